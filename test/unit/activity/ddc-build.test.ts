import { describe, expect, it } from 'vitest'
import { buildChallengeResponse, buildDdcRecord } from '../../../src/activity/build-ddc.ts'
import { decodeActivityRecord } from '../../../src/activity/ddc-record.ts'
import { decodeChallengeResponse } from '../../../src/activity/ddc-challenge.ts'
import { ddcTypes } from '../../../src/activity/ddc-schema.ts'
import { verifyDdcRecord } from '../../../src/activity/verify-ddc-record.ts'
import { ed25519FromSeed } from '../../../src/crypto/ed25519.ts'
import { sr25519FromSeed, sr25519Ready } from '../../../src/crypto/sr25519.ts'

const client = ed25519FromSeed(new Uint8Array(32).fill(21))
const node = ed25519FromSeed(new Uint8Array(32).fill(22))
const base = { id: new Uint8Array(16).fill(5), client, node, bucketId: 9n, pieceCid: new Uint8Array(36).fill(3), size: 10n, timestampMs: 1783000000000n, bytes: 10n, requestId: 'r-1' }

describe('DDC records built with the project schema', () => {
  it('verifies the whole chain: record, request with parents, acks, downstream (ed25519)', () => {
    const record = decodeActivityRecord(buildDdcRecord({ ...base, requestType: 'GET', downstream: 2 }))
    const result = verifyDdcRecord(record)
    expect(result).toMatchObject({ valid: true, signatures: 7, validSignatures: 7 })
    expect(record.checks.map((c) => c.path)).toEqual([
      'signature',
      'upstream.request.signature',
      'upstream.ack.signature',
      'downstream[0].request.signature',
      'downstream[0].request.parentRequest.signature',
      'downstream[1].request.signature',
      'downstream[1].request.parentRequest.signature',
    ])
    expect(record).toMatchObject({ bucketId: 9n, requestType: 'GET', bytesTransferred: 10n, timestampMs: 1783000000000n })
  })

  it('applies the PUT piece-CID rule: the client signed before the CID was known', () => {
    const put = decodeActivityRecord(buildDdcRecord({ ...base, requestType: 'PUT' }))
    expect(put.checks[1]!.altMessage).toBeDefined()
    expect(verifyDdcRecord(put).valid).toBe(true)
    // the same CID-less signature on a GET is not accepted: the rule is for PUT only
    const get = decodeActivityRecord(buildDdcRecord({ ...base, requestType: 'GET' }))
    expect(get.checks[1]!.altMessage).toBeUndefined()
  })

  it('verifies sr25519 signatures (schnorrkel) and names a tampered one', async () => {
    await sr25519Ready()
    const srNode = { ...sr25519FromSeed(new Uint8Array(32).fill(23)), algorithm: 'sr25519' as const }
    const bytes = buildDdcRecord({ ...base, node: srNode, requestType: 'GET', downstream: 1 })
    const record = decodeActivityRecord(bytes)
    expect(record.checks.filter((c) => c.algorithm === 'sr25519')).toHaveLength(3)
    expect(verifyDdcRecord(record).valid).toBe(true)
    const cr = decodeChallengeResponse(buildChallengeResponse([[bytes], [buildDdcRecord({ ...base, requestType: 'DELETE' })]]))
    expect(cr.records.map((r) => verifyDdcRecord(r).valid)).toEqual([true, true])
  })

  it('makes a record with a short signature or an unknown algorithm invalid with the field named', () => {
    const bytes = buildDdcRecord({ ...base, requestType: 'GET' })
    const message = ddcTypes.ActivityRecord.decode(bytes) as any
    message.signature.value = message.signature.value.subarray(0, 63)
    message.upstream.request.signature.algorithm = 7
    const record = decodeActivityRecord(ddcTypes.ActivityRecord.encode(message).finish(), { file: 'r.pb' })
    const result = verifyDdcRecord(record)
    expect(result.valid).toBe(false)
    expect(result.reasons[0]).toMatch(/^signature: signature is 63 bytes, expected 64 \(byte \d+\)$/)
    expect(result.reasons[1]).toMatch(/^upstream\.request\.signature: unknown signature algorithm "enum 7"/)
  })
})
