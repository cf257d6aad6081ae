/**
 * `npm run bench:startup [-- [--runs N] [--check]]`: how fast the `ccp-bridge` command starts, as ratios against a bare
 * `node -e 0` measured in the same run (milliseconds are shown for reference; no absolute number is a target).
 *
 * Measured, hyperfine-like: each command is spawned `--runs` times (default 30, after 3 warm-up runs each), the
 * commands interleaved round by round so a change in machine load hits them all alike; the figure is the median
 * wall time from spawn to exit.
 * 1. baseline: `node -e 0`
 * 2. `ccp-bridge --version` (target at most 2× the baseline)
 * 3. `ccp-bridge cert hash fixtures/certificates/valid-c2.json` (target at most 4× the baseline)
 * 4. `ccp-bridge cert validate fixtures/certificates/valid-c2.json` (no target; shown for comparison)
 * The bin runs the compiled dist/ (`npm run build` first). `--check` exits 1 when a target is missed.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const projectDir = fileURLToPath(new URL('../', import.meta.url))
const bin = fileURLToPath(new URL('../bin/ccp-bridge.mjs', import.meta.url))
const certificate = 'fixtures/certificates/valid-c2.json'

/** One command to time: its label, its arguments to `node`, and the ratio it must stay under (if any). */
export type Case = { label: string; args: string[]; target?: number }

const CASES: Case[] = [
  { label: 'node -e 0', args: ['-e', '0'] },
  { label: 'ccp-bridge --version', args: [bin, '--version'], target: 2 },
  { label: `ccp-bridge cert hash ${certificate}`, args: [bin, 'cert', 'hash', certificate], target: 4 },
  { label: `ccp-bridge cert validate ${certificate}`, args: [bin, 'cert', 'validate', certificate] },
]

/**
 * Median wall time of each case over `runs` interleaved rounds, in milliseconds.
 * @example const [baseline, version] = measureStartup(CASES, 30)
 */
export function measureStartup(cases: readonly Case[], runs: number, warmup = 3): number[] {
  const samples = cases.map(() => [] as number[])
  for (let round = 0; round < warmup + runs; round++) {
    cases.forEach((c, i) => {
      const ms = timeOnce(c)
      if (round >= warmup) samples[i]!.push(ms)
    })
  }
  return samples.map(median)
}

function timeOnce(c: Case): number {
  const start = process.hrtime.bigint()
  const run = spawnSync(process.execPath, c.args, { cwd: projectDir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (run.status !== 0) throw new Error(`${c.label} exited ${run.status}: ${run.stderr.slice(0, 500)}`)
  return ms
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function runsOption(argv: string[]): number {
  const at = argv.indexOf('--runs')
  if (at < 0) return 30
  const runs = Number(argv[at + 1])
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000) throw new Error('--runs expects a whole number from 1 to 1000')
  return runs
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!existsSync(new URL('../dist/adapters/cli/main.js', import.meta.url))) throw new Error('dist/ is missing: run `npm run build` first')
  const runs = runsOption(process.argv)
  console.log(`ccp-bridge start-up benchmark: median of ${runs} interleaved runs each, node ${process.version}\n`)
  const medians = measureStartup(CASES, runs)
  const baseline = medians[0]!
  let missed = 0
  CASES.forEach((c, i) => {
    const ratio = medians[i]! / baseline
    const verdict = c.target === undefined ? (i === 0 ? 'baseline' : '') : ratio <= c.target ? `target ≤ ${c.target}×: met` : `target ≤ ${c.target}×: MISSED`
    if (c.target !== undefined && ratio > c.target) missed++
    console.log(`  ${c.label.padEnd(66)} ${ratio.toFixed(2).padStart(5)}×  (${medians[i]!.toFixed(0).padStart(4)} ms)  ${verdict}`)
  })
  if (missed > 0 && process.argv.includes('--check')) process.exitCode = 1
}
