import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readTrailFile, readTrailSlice, type TrailInput } from '../../../adapters/files/trail-files.ts'
import { planTrailSlices, type PlannedSlice } from '../../../adapters/files/trail-slices.ts'
import { buildDdcRecord, buildProof, challengeResponseOf } from '../../../src/activity/build-ddc.ts'
import { decodeRawItem } from '../../../src/activity/raw-item.ts'
import { ed25519FromSeed } from '../../../src/crypto/ed25519.ts'

const dir = mkdtempSync(join(tmpdir(), 'ccp-trail-slices-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const client = ed25519FromSeed(new Uint8Array(32).fill(51))
const node = ed25519FromSeed(new Uint8Array(32).fill(52))
const record = (i: number) => {
  const id = new Uint8Array(16)
  new DataView(id.buffer).setUint32(12, i)
  return buildDdcRecord({ id, client, node, requestType: 'GET', bucketId: 1n, pieceCid: new Uint8Array(36).fill(1), size: 10n, timestampMs: 1783000000000n + BigInt(i), bytes: 10n, requestId: `r-${i}` })
}

/** What a list of trail inputs says, record by record (id, file, offset or line), batches and rounds included. */
function summary(inputs: TrailInput[]): unknown[] {
  return inputs.flatMap((input) =>
    input.kind === 'item' ? decodeRawItem(input.item).map((r) => [r.recordId, r.file, 'offset' in r ? r.offset : 'where' in r ? r.where : null]) : [[input.kind, JSON.stringify(input.kind === 'batch' ? input.batch : input.round)]],
  )
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

async function viaSlices(file: string, bytes: number): Promise<{ parts: PlannedSlice[]; inputs: TrailInput[] }> {
  const parts = await all(planTrailSlices(file, { bytes }))
  const inputs: TrailInput[] = []
  for (const part of parts) inputs.push(...(await all(readTrailSlice(part.slice))))
  return { parts, inputs }
}

describe('cutting a trail file into queue batches', () => {
  it('cuts a ChallengeResponse between proofs and a large proof between leaves; the parts read back as the whole file', async () => {
    const file = join(dir, 'mixed.pb')
    const small = Array.from({ length: 40 }, (_, i) => buildProof({ merkleTreeNodeId: i, leaves: [{ record: record(i) }] }))
    const large = buildProof({ merkleTreeNodeId: 99, path: [new Uint8Array(32).fill(7)], leaves: Array.from({ length: 900 }, (_, i) => ({ record: record(1000 + i) })) })
    writeFileSync(file, challengeResponseOf([...small.slice(0, 20), large, ...small.slice(20)]))
    const { parts, inputs } = await viaSlices(file, 16 * 1024)
    expect(parts.map((p) => p.slice.kind)).toContain('leaves')
    expect(parts.filter((p) => p.slice.kind === 'proofs').length).toBeGreaterThanOrEqual(2)
    expect(parts.reduce((n, p) => n + p.records, 0)).toBe(940)
    // contiguous, non-overlapping ranges covering the file
    const ranges = parts.map((p) => p.slice as { start: number; end: number })
    ranges.slice(1).forEach((r, i) => expect(r.start).toBeGreaterThanOrEqual(ranges[i]!.end))
    expect(summary(inputs)).toEqual(summary(await all(readTrailFile(file))))
    expect(summary(inputs)).toHaveLength(940)
  })

  it('cuts JSON Lines between lines, keeping each line number, batches and rounds in place', async () => {
    const source = readFileSync(new URL('../../../fixtures/evidence/trail.jsonl', import.meta.url), 'utf8')
    const file = join(dir, 'trail.jsonl')
    writeFileSync(file, `${source}\n${source.replace(/dac-/g, 'dbc-')}`)
    const { parts, inputs } = await viaSlices(file, 1500)
    expect(parts.length).toBeGreaterThan(4)
    expect(parts.every((p) => p.slice.kind === 'lines')).toBe(true)
    const whole = await all(readTrailFile(file))
    expect(summary(inputs)).toEqual(summary(whole))
    expect(inputs.filter((i) => i.kind === 'item').map((i) => (i as { item: { where: string } }).item.where)).toEqual(whole.filter((i) => i.kind === 'item').map((i) => (i as { item: { where: string } }).item.where))
  })

  it('keeps a JSON file or a bare ActivityRecord whole, and stops where a whole-file read would fail', async () => {
    const json = join(dir, 'one.json')
    writeFileSync(json, '[]')
    expect((await all(planTrailSlices(json, { bytes: 10 }))).map((p) => p.slice)).toEqual([{ file: json, kind: 'whole' }])
    const bare = join(dir, 'bare.pb')
    writeFileSync(bare, record(5))
    expect((await all(planTrailSlices(bare, { bytes: 10 }))).map((p) => p.slice)).toEqual([{ file: bare, kind: 'whole' }])
    const cut = join(dir, 'cut.pb')
    const whole = challengeResponseOf(Array.from({ length: 6 }, (_, i) => buildProof({ leaves: [{ record: record(i) }] })))
    writeFileSync(cut, whole.subarray(0, whole.length - 5))
    const planned: PlannedSlice[] = []
    const error = await (async () => {
      for await (const part of planTrailSlices(cut, { bytes: 300 })) planned.push(part)
    })().catch((e: unknown) => e)
    const local = await all(readTrailFile(cut)).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'PROTOBUF_MALFORMED', shortMessage: (local as { shortMessage: string }).shortMessage, offset: (local as { offset: number }).offset })
    expect(planned.length).toBeGreaterThan(0)

    // a field that is not a proof in the middle of a ChallengeResponse: the same error, at the same offset
    const odd = join(dir, 'odd.pb')
    const proofs = Array.from({ length: 4 }, (_, i) => buildProof({ leaves: [{ record: record(i) }] }))
    writeFileSync(odd, Buffer.concat([challengeResponseOf(proofs.slice(0, 2)), Uint8Array.from([0x08, 0x01]), challengeResponseOf(proofs.slice(2))]))
    const planError = await all(planTrailSlices(odd, { bytes: 200 })).catch((e: unknown) => e)
    const readError = await all(readTrailFile(odd)).catch((e: unknown) => e)
    expect(planError).toMatchObject({ code: 'PROTOBUF_MALFORMED', shortMessage: 'ChallengeResponse: unexpected top-level field 1 (wire type 0), expected proofs (field 1)' })
    expect(planError).toMatchObject({ shortMessage: (readError as { shortMessage: string }).shortMessage, offset: (readError as { offset: number }).offset })
  })
})
