import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const projectDir = fileURLToPath(new URL('../../', import.meta.url))
const lock = `${projectDir}dist/.build-lock`

/**
 * Vitest global setup: compiles src/ and adapters/ into dist/ (incrementally) before any test runs, because the
 * `ccp-bridge` bin and the verification workers run the compiled JavaScript. Concurrent test runs take turns (a lock
 * folder); type errors are reported but do not stop the tests (`npm run typecheck` and `npm ci` are strict).
 */
export default function setup(): void {
  mkdirSync(`${projectDir}dist`, { recursive: true })
  const deadline = Date.now() + 180_000
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now())
      if (age > 180_000 || Date.now() > deadline) {
        rmSync(lock, { recursive: true, force: true })
        continue
      }
      spawnSync('sleep', ['0.5'])
    }
  }
  try {
    const tsc = spawnSync(process.execPath, [`${projectDir}node_modules/typescript/bin/tsc`, '-p', `${projectDir}tsconfig.build.json`], { cwd: projectDir, encoding: 'utf8' })
    if (tsc.status !== 0) process.stderr.write(`build-dist: tsc reported errors (the tests run on what it emitted):\n${tsc.stdout}${tsc.stderr}`)
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}
