import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { BridgeError } from '../../src/errors.ts'
import type { RawItem } from '../../src/activity/raw-item.ts'
import type { TrailEntry } from '../../src/activity/trail-entry.ts'
import { errorFromFields, type ErrorFields } from './error-fields.ts'

/** A small young generation per worker: verification allocates short-lived buffers, and RSS must stay flat. */
const YOUNG_GENERATION_MB = 2
/** A worker holds one batch at a time: a bounded old generation makes V8 collect instead of growing the heap. */
const OLD_GENERATION_MB = 48

type Pending = { resolve(entries: TrailEntry[]): void; reject(error: unknown): void }

/** The number of worker threads to use by default, and the most a pool starts: every core. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism())
}

/**
 * The number of worker threads a pool may start for `requested`: at most one per core (more threads than cores verify
 * no faster and each costs its own heap), at least one.
 * @example boundedWorkerCount(1000) // 2 on a 2-core machine
 */
export function boundedWorkerCount(requested: number): number {
  return Math.max(1, Math.min(requested, defaultWorkerCount()))
}

/**
 * A pool of worker threads that decode and verify trail items. Items go in batches (their byte buffers are
 * transferred, not copied); each batch goes to an idle worker, or starts a new one while the pool is below its size
 * (so a small trail starts one worker, never more workers than batches), else to the least busy worker. Results come
 * back as TrailEntries.
 * @example const pool = await VerifyPool.start(2); const entries = await pool.run(items); await pool.close()
 */
export class VerifyPool {
  private readonly workers: Worker[] = []
  private readonly load: number[] = []
  private readonly pending = new Map<number, Pending & { worker: number }>()
  /** workers that failed or exited: no batch goes to them again, and they are not replaced */
  private readonly dead = new Set<number>()
  private nextId = 0

  private constructor(
    /** the most workers this pool starts */
    readonly size: number,
  ) {}

  /**
   * A pool of at most `size` workers (bounded by `boundedWorkerCount`), started as batches arrive. Each runs the
   * compiled verify-worker.js (see `workerEntry`).
   */
  static async start(size = defaultWorkerCount()): Promise<VerifyPool> {
    return new VerifyPool(boundedWorkerCount(size))
  }

  /** The number of workers started so far. */
  get started(): number {
    return this.workers.length
  }

  private spawn(): number {
    const w = this.workers.length
    const worker = new Worker(workerEntry(), { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: OLD_GENERATION_MB } })
    this.workers.push(worker)
    this.load.push(0)
    worker.on('message', (msg: { id?: number; entries?: TrailEntry[]; hashes?: Uint8Array; error?: ErrorFields }) => {
      if (msg.id === undefined) return
      const p = this.pending.get(msg.id)
      if (!p) return
      this.pending.delete(msg.id)
      this.load[w]!--
      if (msg.error) p.reject(errorFromFields(msg.error))
      else {
        const entries = msg.entries ?? []
        entries.forEach((entry, i) => (entry.leafHash = msg.hashes!.subarray(i * 32, i * 32 + 32)))
        p.resolve(entries)
      }
    })
    worker.on('error', (error) => this.fail(w, `failed: ${error.message}`, error))
    worker.on('exit', (code) => this.fail(w, `exited with code ${code}`))
    return w
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

  /** The worker for the next batch: an idle live one, else a new one while below `size`, else the least busy live one. */
  private pick(): number {
    let w = -1
    for (let i = 0; i < this.workers.length; i++) if (!this.dead.has(i) && (w < 0 || this.load[i]! < this.load[w]!)) w = i
    if ((w < 0 || this.load[w]! > 0) && this.workers.length < this.size) return this.spawn()
    return w
  }

  /** Starts every worker now (a long-lived process, such as a queue worker, pays the start-up once, up front). */
  warm(): void {
    while (this.workers.length < this.size) this.spawn()
  }

  /** Decodes and verifies a batch of items in a worker. The items' buffers are transferred. */
  run(items: RawItem[]): Promise<TrailEntry[]> {
    const w = this.pick()
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

/**
 * The worker's entry: the compiled verify-worker.js beside this module in dist/. Run from the TypeScript sources (tests,
 * tsx), this module uses the compiled worker in dist/ too (built by `npm run build`, which the test setup runs), so no
 * worker pays for a TypeScript loader of its own and nothing is written at run time.
 */
function workerEntry(): URL {
  return import.meta.url.endsWith('.js') ? new URL('./verify-worker.js', import.meta.url) : new URL('../../dist/adapters/workers/verify-worker.js', import.meta.url)
}
