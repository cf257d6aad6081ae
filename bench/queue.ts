/**
 * `node --import tsx bench/queue.ts [--quick]`: the job queue (`trail verify --queue`, `ccp-bridge worker`) against
 * itself and against a local run, as ratios measured in one run on the same trail:
 *
 * 1. a DDC trail of 100,000 ed25519 records, 300,000 signatures (many messages), generated into a temporary folder
 * 2. the local run with two verification threads (`trail verify --workers 2`)
 * 3. the queue with ONE worker process (one verification thread), then with TWO worker processes (one thread each)
 * Targets: two worker processes ≥ 1.6× one; the queue with two workers at most 15% slower than the local run with two
 * threads. Every run must give the same report. Times run from the coordinator's spawn to its exit, its start-up, the
 * batching and the report's assembly included; the workers are started (and idle) beforehand, as in a deployment.
 *
 * PostgreSQL: `BENCH_DATABASE_URL`, else `TEST_DATABASE_URL`, else postgres://postgres@127.0.0.1:5432/test; a database
 * of its own is created for the run and dropped after. --quick: a tenth of the trail.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ed25519FromSeed } from '../src/crypto/ed25519.ts'
import { scratchDatabase } from './scratch-database.ts'
import { generateDdcTrail } from './verify-generate.ts'

const quick = process.argv.includes('--quick')
const records = quick ? 10_000 : 100_000
const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const bin = fileURLToPath(new URL('../bin/ccp-bridge.mjs', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'ccp-bridge-bench-queue-'))

/** Runs `ccp-bridge trail verify` and returns its wall time and report text. */
function timed(args: string[]): { seconds: number; stdout: string } {
  const start = process.hrtime.bigint()
  const run = spawnSync(process.execPath, [bin, 'trail', 'verify', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  if (run.status !== 0) throw new Error(`ccp-bridge trail verify ${args.join(' ')} exited ${run.status}: ${run.stderr.slice(0, 500)}`)
  return { seconds, stdout: run.stdout }
}

/** Starts `ccp-bridge worker` with one verification thread and waits until it takes batches. */
function startWorker(url: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'worker', '--queue', url, '--workers', '1'], { stdio: ['ignore', 'ignore', 'pipe'] })
    let log = ''
    child.stderr!.on('data', (d) => {
      log += d
      if (/taking batches from/.test(log)) resolve(child)
    })
    child.once('exit', (code) => reject(new Error(`worker exited ${code}: ${log}`)))
  })
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.removeAllListeners('exit') // the start-up's "exited early" listener
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

const fmt = (n: number) => Math.round(n).toLocaleString('en')
const workers: ChildProcess[] = []
let drop: (() => Promise<void>) | undefined
try {
  const scratch = await scratchDatabase(serverUrl, `ccp_bench_queue_${process.pid}`).catch((cause) => {
    throw new Error(`no PostgreSQL server answers at ${serverUrl} (set BENCH_DATABASE_URL): ${(cause as Error).message}`)
  })
  drop = scratch.drop
  const url = scratch.url
  console.log(`ccp-bridge queue benchmark${quick ? ' (--quick)' : ''}: ${availableParallelism()} core(s), node ${process.version}\n`)

  const file = join(dir, 'trail.pb')
  const generated = generateDdcTrail(file, records, { client: ed25519FromSeed(new Uint8Array(32).fill(81)), node: ed25519FromSeed(new Uint8Array(32).fill(82)), chain: true })
  console.log(`DDC trail: ${fmt(records)} records, ${fmt(generated.signatures)} ed25519 signatures (${fmt(generated.bytes / 1024 / 1024)} MiB)\n`)

  const local = timed([file, '--json', '--workers', '2'])
  console.log(`local run, two verification threads        ${local.seconds.toFixed(1)} s  (${fmt(generated.signatures / local.seconds)} signatures/s)`)

  workers.push(await startWorker(url))
  const one = timed([file, '--json', '--queue', url])
  console.log(`queue, one worker process (one thread)      ${one.seconds.toFixed(1)} s  (${fmt(generated.signatures / one.seconds)} signatures/s)`)

  workers.push(await startWorker(url))
  const two = timed([file, '--json', '--queue', url])
  console.log(`queue, two worker processes (one thread each) ${two.seconds.toFixed(1)} s  (${fmt(generated.signatures / two.seconds)} signatures/s)\n`)

  if (one.stdout !== local.stdout || two.stdout !== local.stdout) throw new Error('the queued reports differ from the local one')
  console.log(`two worker processes / one:             ${(one.seconds / two.seconds).toFixed(2)}× faster (target ≥ 1.60×)`)
  console.log(`queue with two workers / local with two threads: ${((two.seconds / local.seconds - 1) * 100).toFixed(1)}% slower (target ≤ 15%)`)
  console.log('reports: identical (queued and local, byte for byte)')
} finally {
  for (const w of workers) await stopWorker(w).catch(() => undefined)
  await drop?.().catch(() => undefined)
  rmSync(dir, { recursive: true, force: true })
}
