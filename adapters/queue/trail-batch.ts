import { BridgeError } from '../../src/errors.ts'
import type { TrailEntry } from '../../src/activity/trail-entry.ts'
import { readTrailSlice, type TrailSlice } from '../files/trail-files.ts'
import { errorFields, type ErrorFields } from '../workers/error-fields.ts'
import type { VerifyPool } from '../workers/pool.ts'
import { verifyTrailInputs, type TrailSink } from '../workers/verify-trail.ts'
import { encodeEntries } from './entry-rows.ts'
import type { TrailBatchResult, TrailItem } from './trail-results.ts'

/**
 * A trail batch job: a part of one file (`slice.file` is the path to read, absolute, as every worker must see it) of
 * coordinator run `run`; `name` is the file as the coordinator's user named it, which the report and errors say.
 */
export type TrailJob = { run: string; batch: number; name: string; slice: TrailSlice }

/**
 * Verifies one batch with a worker-thread pool: reads its part of the file (never more), verifies every signature,
 * and returns what the coordinator needs (see TrailBatchResult). Input that cannot be read or decoded gives a result
 * holding the error a local run gives for it (the file named as the user named it); anything else (a verification
 * thread that died, say) is thrown, so the job fails and is retried. `onInputDone`: the part is read, only
 * verifications in flight remain.
 * @example const result = await verifyTrailBatch(job.data, pool, 'host:1234')
 */
export async function verifyTrailBatch(job: TrailJob, pool: VerifyPool, worker: string, onInputDone?: () => void): Promise<TrailBatchResult> {
  const entries: TrailEntry[] = []
  const items: TrailItem[] = []
  const sink: TrailSink = { addEntry: (e) => entries.push(e), addBatch: (batch) => items.push({ batch }), addRound: (round) => items.push({ round }) }
  const base = { run: job.run, batch: job.batch, file: job.name, slice: job.slice, worker }
  try {
    await verifyTrailInputs(readTrailSlice(job.slice), sink, { workers: pool.size, pool, ...(onInputDone ? { onInputDone } : {}) })
  } catch (error) {
    if (!(error instanceof BridgeError) || error.kind === 'internal') throw error
    return { ...base, records: 0, signatures: 0, validSignatures: 0, valid: 0, invalid: [], entries: encodeEntries([]), items: [], error: renamed(errorFields(error), job.slice.file, job.name) }
  }
  const invalid: TrailBatchResult['invalid'] = []
  let signatures = 0
  let validSignatures = 0
  for (const e of entries) {
    if (e.file === job.slice.file) {
      e.file = job.name
      e.verification.file = job.name
    }
    signatures += e.verification.signatures
    validSignatures += e.verification.validSignatures
    if (!e.verification.valid) invalid.push({ recordId: e.recordId, file: job.name, ...(e.offset !== undefined ? { offset: e.offset } : {}), ...(e.where !== undefined ? { where: e.where } : {}), reasons: e.verification.reasons })
  }
  return { ...base, records: entries.length, signatures, validSignatures, valid: entries.length - invalid.length, invalid, entries: encodeEntries(entries), items, error: null }
}

/** The error as the coordinator's user would see it locally: the file by the name they gave, wherever it is quoted. */
function renamed(fields: ErrorFields, path: string, name: string): ErrorFields {
  const swap = (text: string | undefined) => (text === undefined ? undefined : text.split(path).join(name))
  return { ...fields, shortMessage: swap(fields.shortMessage)!, ...(fields.details !== undefined ? { details: swap(fields.details) } : {}), ...(fields.file === path ? { file: name } : {}) }
}

/** A slice in words: `bytes 1048576–2097152`, `lines from 2,001`, `the whole file`. */
export function describeSlice(slice: TrailSlice): string {
  if (slice.kind === 'whole') return 'the whole file'
  if (slice.kind === 'lines') return `bytes ${slice.start}–${slice.end}, from line ${slice.line}`
  return `bytes ${slice.start}–${slice.end}${slice.kind === 'leaves' ? ' of one large proof' : ''}`
}
