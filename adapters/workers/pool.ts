import { unlinkSync } from 'node:fs'
import { mkdir, rename } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { BridgeError } from '../../src/errors.ts'
import type { RawItem } from '../../src/activity/raw-item.ts'
import type { TrailEntry } from '../../src/activity/trail-entry.ts'

/** A small young generation per worker: verification allocates short-lived buffers, and RSS must stay flat. */
const YOUNG_GENERATION_MB = 2
/** A worker holds one batch at a time: a bounded old generation makes V8 collect instead of growing the heap. */
const OLD_GENERATION_MB = 48

type Pending = { resolve(entries: TrailEntry[]): void; reject(error: unknown): void }

/** The number of worker threads to use by default: every core. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism())
}

/**
 * A pool of worker threads that decode and verify trail items. Items go in batches (their byte buffers are
 * transferred, not copied); each batch goes to the least busy worker; results come back as TrailEntries.
 * @example const pool = await VerifyPool.start(2); const entries = await pool.run(items); await pool.close()
 */
export class VerifyPool {
  private readonly workers: Worker[]
  private readonly load: number[]
  private readonly pending = new Map<number, Pending & { worker: number }>()
  /** workers that failed or exited: no batch goes to them again */
  private readonly dead = new Set<number>()
  private nextId = 0

  private constructor(workers: Worker[]) {
    this.workers = workers
    this.load = workers.map(() => 0)
    workers.forEach((worker, w) => {
      worker.on('message', (msg: { id?: number; entries?: TrailEntry[]; hashes?: Uint8Array; error?: any }) => {
        if (msg.id === undefined) return
        const p = this.pending.get(msg.id)
        if (!p) return
        this.pending.delete(msg.id)
        this.load[w]!--
        if (msg.error) p.reject(new BridgeError(msg.error.code, msg.error.shortMessage, { ...msg.error }))
        else {
          const entries = msg.entries ?? []
          entries.forEach((entry, i) => (entry.leafHash = msg.hashes!.subarray(i * 32, i * 32 + 32)))
          p.resolve(entries)
        }
      })
      worker.on('error', (error) => this.fail(w, `failed: ${error.message}`, error))
      worker.on('exit', (code) => this.fail(w, `exited with code ${code}`))
    })
  }

  /**
   * Starts `size` workers and waits until they are ready. Each runs one plain-JavaScript bundle of verify-worker.ts
   * (see `workerEntry`), so no worker pays for a TypeScript loader of its own.
   */
  static async start(size = defaultWorkerCount()): Promise<VerifyPool> {
    const entry = await workerEntry()
    const workers = Array.from({ length: size }, () => new Worker(entry, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: OLD_GENERATION_MB } }))
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const onMessage = (m: { ready?: boolean }) => {
              if (m.ready) {
                worker.off('message', onMessage)
                resolve()
              }
            }
            worker.on('message', onMessage)
            worker.once('error', (e) => reject(new BridgeError('WORKER_FAILED', `verification worker did not start: ${e.message}`, { kind: 'internal', cause: e })))
          }),
      ),
    )
    return new VerifyPool(workers)
  }

  get size(): number {
    return this.workers.length
  }

  /** Marks a worker dead and rejects the batches it held. */
  private fail(w: number, why: string, cause?: unknown): void {
    this.dead.add(w)
    for (const [id, p] of this.pending) {
      if (p.worker !== w) continue
      this.pending.delete(id)
      p.reject(new BridgeError('WORKER_FAILED', `verification worker ${w} ${why}`, { kind: 'internal', cause }))
    }
  }

  /** Decodes and verifies a batch of items in the least busy live worker. The items' buffers are transferred. */
  run(items: RawItem[]): Promise<TrailEntry[]> {
    let w = -1
    for (let i = 0; i < this.load.length; i++) if (!this.dead.has(i) && (w < 0 || this.load[i]! < this.load[w]!)) w = i
    if (w < 0) return Promise.reject(new BridgeError('WORKER_FAILED', 'no verification worker is running', { kind: 'internal' }))
    const id = this.nextId++
    this.load[w]!++
    const transfer: ArrayBuffer[] = []
    for (const item of items) {
      if ('bytes' in item) {
        const buffer = item.bytes.buffer as ArrayBuffer
        if (item.bytes.byteOffset === 0 && item.bytes.byteLength === buffer.byteLength && !transfer.includes(buffer)) transfer.push(buffer)
      }
    }
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: w })
      this.workers[w]!.postMessage({ id, items }, transfer)
    })
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
  }
}

let bundled: Promise<URL> | undefined

/**
 * The worker's entry: verify-worker.ts bundled once per process into plain ESM with esbuild (the transpiler tsx runs
 * on, installed with it), written under node_modules/.cache/ccp-bridge/ so its package imports resolve from the
 * project. A worker that registered tsx itself would carry its own loader thread (about 40 MiB more per worker).
 * Falls back to verify-worker.mjs (which registers tsx) when esbuild cannot be loaded.
 */
function workerEntry(): Promise<URL> {
  bundled ??= (async () => {
    const source = fileURLToPath(new URL('./verify-worker.ts', import.meta.url))
    const dir = fileURLToPath(new URL('../../node_modules/.cache/ccp-bridge/', import.meta.url))
    try {
      const { build } = await import('esbuild')
      await mkdir(dir, { recursive: true })
      const out = `${dir}verify-worker-${process.pid}.mjs`
      await build({ entryPoints: [source], bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', outfile: `${out}.tmp`, logLevel: 'silent' })
      await rename(`${out}.tmp`, out)
      process.once('exit', () => {
        try {
          unlinkSync(out) // synchronous: async work does not run in an exit handler
        } catch {}
      })
      return pathToFileURL(out)
    } catch {
      return new URL('./verify-worker.mjs', import.meta.url)
    }
  })()
  return bundled
}
