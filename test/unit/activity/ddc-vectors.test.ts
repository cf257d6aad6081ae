import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type protobuf from 'protobufjs'
import { decodeChallengeResponse } from '../../../src/activity/ddc-challenge.ts'
import { ddcTypes } from '../../../src/activity/ddc-schema.ts'
import { scanFields } from '../../../src/activity/ddc-wire.ts'
import { parseNodeAnswer } from '../../../src/activity/node-answer.ts'
import { verifyChecks } from '../../../src/activity/record-verification.ts'
import { verifyDdcRecord } from '../../../src/activity/verify-ddc-record.ts'
import { BridgeError } from '../../../src/errors.ts'
import { hasShared, sharedFile, sharedSkipReason } from '../../support/shared.ts'

/** Offsets (in `bytes`) of every value byte of a scalar/bytes field, recursing into sub-messages by the schema. */
function valueBytePositions(bytes: Uint8Array, type: protobuf.Type, base = 0): number[] {
  const out: number[] = []
  for (const f of scanFields(bytes)) {
    const field = type.fieldsById[f.no]
    const sub = field?.resolvedType
    if (f.wireType === 2 && sub && 'fieldsById' in sub) {
      out.push(...valueBytePositions(bytes.subarray(f.valueStart, f.end), sub as protobuf.Type, base + f.valueStart))
    } else {
      for (let i = f.valueStart; i < f.end; i++) out.push(base + i)
    }
  }
  return out
}

describe.skipIf(!hasShared)(`real DDC vectors (../shared/conformance/ddc) ${hasShared ? '' : sharedSkipReason}`, () => {
  const bytes = hasShared ? new Uint8Array(readFileSync(sharedFile('conformance', 'ddc', 'challenge_response.pb'))) : new Uint8Array()

  it('decodes 3 records with 16 ed25519 signatures, all valid', () => {
    const decoded = decodeChallengeResponse(bytes, { file: 'challenge_response.pb' })
    expect(decoded.proofs).toBe(2)
    expect(decoded.records).toHaveLength(3)
    const results = decoded.records.map((r) => verifyDdcRecord(r))
    expect(results.reduce((n, r) => n + r.signatures, 0)).toBe(16)
    expect(results.every((r) => r.valid && r.validSignatures === r.signatures)).toBe(true)
    expect(decoded.records.flatMap((r) => r.checks).every((c) => c.algorithm === 'ed25519')).toBe(true)
    expect(decoded.records.map((r) => r.recordId)).toEqual(['0x004e141d311d4f488214deb5829562dd', '0x32cf14fa07d34a0780d34209064b1036', '0x6fcfda663ce1497d94582003a33e4000'])
  })

  it('flipping a byte of any signed field makes exactly the touched record invalid', () => {
    const records = decodeChallengeResponse(bytes).records
    let flips = 0
    records.forEach((record, touched) => {
      const positions = valueBytePositions(record.bytes, ddcTypes.ActivityRecord, record.offset)
      expect(positions.length).toBeGreaterThan(200)
      for (let k = 0; k < positions.length; k += 11) {
        const copy = bytes.slice()
        copy[positions[k]!]! ^= 0x01
        const verdicts = decodeChallengeResponse(copy).records.map((r) => verifyDdcRecord(r).valid)
        expect(verdicts, `flip at byte ${positions[k]} (record ${touched})`).toEqual(records.map((_, i) => i !== touched))
        flips++
      }
    })
    expect(flips).toBeGreaterThan(200)
  })

  it('reports truncation and garbage with the byte offset, never a raw crash', () => {
    for (const cut of [1, 2, 100, 1700, bytes.length - 1]) {
      try {
        decodeChallengeResponse(bytes.subarray(0, cut), { file: 'cr.pb' })
        expect.unreachable(`cut at ${cut} decoded`)
      } catch (error) {
        expect(error).toBeInstanceOf(BridgeError)
        expect((error as BridgeError).file).toBe('cr.pb')
        expect((error as BridgeError).offset).toBeTypeOf('number')
        expect((error as BridgeError).offset!).toBeLessThan(cut)
      }
    }
    expect(() => decodeChallengeResponse(Uint8Array.from([0x0f, 1, 2, 3]))).toThrow(/wire type 7/)
  })

  it('verifies the signed node answer over the compact JSON of its payload, and refuses a changed one', () => {
    const text = readFileSync(sharedFile('conformance', 'ddc', 'activity_buckets_signed_resp.json'), 'utf8')
    const answer = parseNodeAnswer(text, { file: 'resp.json' })
    expect(new TextDecoder().decode(answer.payloadBytes)).toBe(JSON.stringify(JSON.parse(text).payload))
    expect(verifyChecks(answer.recordId, answer.checks).valid).toBe(true)
    const changed = parseNodeAnswer(text.replace('"number_of_gets": 3', '"number_of_gets": 4'))
    expect(verifyChecks(changed.recordId, changed.checks).valid).toBe(false)
  })
})
