import { spawn, type ChildProcess } from 'node:child_process'
import pg from 'pg'
import { projectDir } from '../../support/cli.ts'
import { scratchDatabase } from '../../../bench/scratch-database.ts'
import { testDatabaseUrl } from '../../support/postgres.ts'

const bin = `${projectDir}bin/ccp-bridge.mjs`

/**
 * A database of its own on the test server for one test file (bench/scratch-database.ts), so test files running at once
 * never share jobs, with a one-statement query helper; `drop` removes it.
 * @example const db = await freshDatabase('queue'); …; await db.drop()
 */
export async function freshDatabase(prefix: string): Promise<{ url: string; query(text: string, params?: unknown[]): Promise<any[]>; drop(): Promise<void> }> {
  const { url, drop } = await scratchDatabase(testDatabaseUrl, `t_${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`)
  return {
    url,
    async query(text, params) {
      const client = new pg.Client({ connectionString: url })
      client.on('error', () => undefined)
      await client.connect()
      try {
        return (await client.query(text, params)).rows
      } finally {
        await client.end().catch(() => undefined)
      }
    },
    drop,
  }
}

/** A `ccp-bridge worker` process started by a test: its log so far, a wait for a log line, and how it ended. */
export type WorkerProcess = { child: ChildProcess; log(): string; waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>; exited: Promise<number | null> }

/**
 * Starts `ccp-bridge worker --queue URL --workers 1` (the real bin) and resolves once it takes batches.
 * @example const w = await startWorker(db.url); …; await stopWorker(w)
 */
export async function startWorker(url: string, extra: string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [bin, 'worker', '--queue', url, '--workers', '1', ...extra], { cwd: projectDir, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  const waiters: Array<{ pattern: RegExp; resolve(): void }> = []
  const onData = (d: Buffer) => {
    log += d
    for (const w of [...waiters]) if (w.pattern.test(log)) (waiters.splice(waiters.indexOf(w), 1), w.resolve())
  }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  running.add(child)
  void exited.then(() => running.delete(child))
  const worker: WorkerProcess = {
    child,
    log: () => log,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(log)) return resolve()
        const timer = setTimeout(() => reject(new Error(`worker ${child.pid} never logged ${pattern}; log:\n${log}`)), timeoutMs)
        waiters.push({ pattern, resolve: () => (clearTimeout(timer), resolve()) })
      }),
    exited,
  }
  await worker.waitFor(/taking batches from/)
  return worker
}

const running = new Set<ChildProcess>()

/**
 * Stops every worker this file started that still runs (afterAll: a test that failed half-way leaves none behind).
 * @example afterAll(stopAllWorkers)
 */
export async function stopAllWorkers(): Promise<void> {
  await Promise.all([...running].map((child) => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM')))))
}

/**
 * Stops a worker as an operator would (SIGTERM: it finishes the batches in progress) and waits for it to exit.
 * @example expect(await stopWorker(w)).toBe(0)
 */
export async function stopWorker(worker: WorkerProcess): Promise<number | null> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM')
  return worker.exited
}
