import type { TrailEntry } from '../../src/activity/trail-entry.ts'

const KINDS = ['scp', 'ddc', 'node-answer'] as const

/**
 * What a queue batch stores of its verified records, so the coordinator replays them through the very auditor a local
 * run uses (the same report, byte for byte): the leaf hashes packed (32 bytes a record, in order) and one compact JSON
 * row per record with every other field of its TrailEntry. The file is the batch's own.
 */
export type EncodedEntries = { leafHashes: Uint8Array; rows: string }

type Row = [kind: number, recordId: string, timeMs: number | string | null, agent: string | null, scope: string | null, bytes: number | string, cpuMs: number | string, gpuUnits: number | string, roleSigners: Record<string, string> | 0, signatures: number, validSignatures: number, reasons: string[] | 0, offset: number | null, where: string | null]

/**
 * Packs verified entries (all of one file) for storage.
 * @example const { leafHashes, rows } = encodeEntries(entries)
 */
export function encodeEntries(entries: TrailEntry[]): EncodedEntries {
  const leafHashes = new Uint8Array(entries.length * 32)
  const rows: Row[] = entries.map((e, i) => {
    leafHashes.set(e.leafHash, i * 32)
    const v = e.verification
    return [
      KINDS.indexOf(e.kind),
      e.recordId,
      e.timeMs === null ? null : number(e.timeMs),
      e.agent,
      e.scope,
      number(e.bytes),
      number(e.cpuMs),
      number(e.gpuUnits),
      Object.keys(e.roleSigners).length ? e.roleSigners : 0,
      v.signatures,
      v.validSignatures,
      v.reasons.length ? v.reasons : 0,
      e.offset ?? null,
      e.where ?? null,
    ]
  })
  return { leafHashes, rows: JSON.stringify(rows) }
}

/**
 * The entries `encodeEntries` packed, each equal to the original (numbers exact, NaN included).
 * @example const entries = decodeEntries(stored, 'trail.pb')
 */
export function decodeEntries(encoded: EncodedEntries, file: string | undefined): TrailEntry[] {
  const rows = JSON.parse(encoded.rows) as Row[]
  return rows.map((r, i) => {
    const reasons = r[11] === 0 ? [] : r[11]
    const entry: TrailEntry = {
      kind: KINDS[r[0]]!,
      recordId: r[1],
      ...(file !== undefined ? { file } : {}),
      leafHash: encoded.leafHashes.subarray(i * 32, i * 32 + 32),
      timeMs: r[2] === null ? null : Number(r[2]),
      agent: r[3],
      scope: r[4],
      bytes: Number(r[5]),
      cpuMs: Number(r[6]),
      gpuUnits: Number(r[7]),
      roleSigners: r[8] === 0 ? {} : r[8],
      verification: { recordId: r[1], ...(file !== undefined ? { file } : {}), signatures: r[9], validSignatures: r[10], valid: reasons.length === 0, reasons },
    }
    if (r[12] !== null) entry.offset = r[12]
    if (r[13] !== null) entry.where = r[13]
    return entry
  })
}

/** A number JSON keeps exactly: finite numbers as they are, NaN and infinities as their names (Number() reads them back). */
function number(n: number): number | string {
  return Number.isFinite(n) ? n : String(n)
}
