import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PROOF_PART_BYTES, readTrailFile } from '../../../adapters/files/trail-files.ts'
import { buildDdcRecord, buildProof, challengeResponseOf, type ProofLeaf } from '../../../src/activity/build-ddc.ts'
import { decodeChallengeResponse } from '../../../src/activity/ddc-challenge.ts'
import { decodeRawItem, type RawItem } from '../../../src/activity/raw-item.ts'
import { ed25519FromSeed } from '../../../src/crypto/ed25519.ts'

const dir = mkdtempSync(join(tmpdir(), 'ccp-large-message-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const client = ed25519FromSeed(new Uint8Array(32).fill(31))
const node = ed25519FromSeed(new Uint8Array(32).fill(32))

/** n distinct signed records (PUT and GET, some with downstream fulfilments) as proof leaves, with a link leaf among them. */
function leaves(n: number): ProofLeaf[] {
  const out: ProofLeaf[] = []
  for (let i = 0; i < n; i++) {
    const id = new Uint8Array(16)
    new DataView(id.buffer).setUint32(12, i + 1)
    out.push({ record: buildDdcRecord({ id, client, node, requestType: i % 3 === 0 ? 'PUT' : 'GET', bucketId: BigInt(1 + (i % 4)), pieceCid: new Uint8Array(36).fill(i & 0xff), size: 1000n, timestampMs: 1783000000000n + BigInt(i), bytes: BigInt(100 + i), requestId: `r-${i}`, downstream: i % 5 === 0 ? 1 : 0 }) })
    if (i === 7) out.push({ link: { nodeId: new Uint8Array(32).fill(9), bucketId: 2, recordId: new Uint8Array(16).fill(8) } })
  }
  return out
}

async function items(file: string): Promise<RawItem[]> {
  const out: RawItem[] = []
  for await (const input of readTrailFile(file)) if (input.kind === 'item') out.push(input.item)
  return out
}

const view = (r: { recordId: string; offset: number; bytes: Uint8Array; checks: unknown[] }) => ({ recordId: r.recordId, offset: r.offset, bytes: Buffer.from(r.bytes).toString('hex'), checks: r.checks.length })

describe('one large ChallengeResponse message, read in runs of leaves', () => {
  it('reads a proof larger than one part as items of at most one part (plus one leaf), each decoding to the records the whole message holds', async () => {
    const large = buildProof({ merkleTreeNodeId: 5, usage: { stored: 10, delivered: 20, puts: 3, gets: 4 }, path: [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)], leaves: leaves(2500) })
    const small = buildProof({ merkleTreeNodeId: 6, leaves: leaves(3).slice(0, 2) })
    expect(large.length).toBeGreaterThan(4 * PROOF_PART_BYTES)
    const bytes = challengeResponseOf([small, large, small])
    const file = join(dir, 'large.pb')
    writeFileSync(file, bytes)

    const got = await items(file)
    expect(got.length).toBeGreaterThan(6)
    const leafBytes = Math.max(...leaves(20).map((l) => ('record' in l ? l.record.length : 0))) + 16
    for (const item of got) expect((item as { bytes: Uint8Array }).bytes.length).toBeLessThanOrEqual(PROOF_PART_BYTES + leafBytes)
    const streamed = got.flatMap((item) => decodeRawItem(item))
    const whole = decodeChallengeResponse(bytes, { file }).records
    expect(whole).toHaveLength(2504)
    expect(streamed.map((r) => view(r as never))).toEqual(whole.map((r) => view(r)))
  })

  it('names the same byte offset and words a broken leaf as the whole-message decoder does', async () => {
    const proof = buildProof({ merkleTreeNodeId: 1, leaves: leaves(1200) })
    // the proof's last leaf declares 1000 bytes where 3 remain: the proof's own length still matches the file
    const broken = Buffer.concat([proof, Uint8Array.from([0x22, 0xe8, 0x07, 1, 2, 3])])
    const file = join(dir, 'broken-leaf.pb')
    const bytes = challengeResponseOf([broken])
    writeFileSync(file, bytes)
    let expected: unknown
    try {
      decodeChallengeResponse(bytes, { file })
    } catch (error) {
      expected = error
    }
    expect(expected).toMatchObject({ code: 'PROTOBUF_MALFORMED', shortMessage: 'Proof: field 4 declares 1000 bytes but only 3 remain (truncated)' })
    await expect(items(file)).rejects.toMatchObject({ code: 'PROTOBUF_MALFORMED', shortMessage: (expected as Error & { shortMessage: string }).shortMessage, offset: (expected as { offset: number }).offset, file })

    const cut = join(dir, 'cut.pb')
    writeFileSync(cut, bytes.subarray(0, bytes.length - 100))
    await expect(items(cut)).rejects.toMatchObject({ code: 'PROTOBUF_MALFORMED', offset: 0, shortMessage: `field 1 declares ${broken.length} bytes but the file ends after ${broken.length - 100} (truncated)` })
  })
})
