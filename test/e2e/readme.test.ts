import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectDir } from '../support/cli.ts'

/**
 * Every example of README.md and docs/*.md prints what the documentation shows: docs/examples.ts runs them all (each
 * file in one bash session, in a fresh folder, against this checkout's bin; a devnet, servers and the loopback Cere node
 * included) and `--check` exits 1 naming each block whose output differs. The examples that need PostgreSQL run when
 * the machine's server answers at postgres://postgres@127.0.0.1:5432, and are left as they are otherwise.
 * They use bash, curl and jq, and the fixed ports 8545, 8080 and 8081 of 127.0.0.1.
 */

const missing = ['bash', 'curl', 'jq', 'setsid'].filter((tool) => spawnSync('bash', ['-c', `command -v ${tool}`]).status !== 0)
if (missing.length > 0) console.warn(`SKIP: the documentation's examples need ${missing.join(', ')}: test/e2e/readme.test.ts is skipped`)

describe.skipIf(missing.length > 0)('the documentation prints what its commands print', () => {
  it('node --import tsx docs/examples.ts --check exits 0 (every example of README.md and docs/*.md)', async () => {
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(projectDir, 'docs/examples.ts'), '--check'], { cwd: projectDir, stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk) => (stdout += chunk))
      child.stderr.on('data', (chunk) => (stderr += chunk))
      child.on('error', reject)
      child.on('close', (code) => resolve({ code, stdout, stderr }))
    })
    // on failure: the differences (stdout) and what ran last (the end of stderr, one line per command)
    expect(run.code, `${run.stdout}\n--- last commands run:\n${run.stderr.split('\n').slice(-15).join('\n')}`).toBe(0)
    expect(run.stdout).toMatch(/README\.md: every example prints what it shows/)
  }, 1_200_000)
})
