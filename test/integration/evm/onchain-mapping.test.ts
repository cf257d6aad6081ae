import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { keccak256, stringToBytes } from 'viem'
import { attestMessage, certKey, formatUnits, parseUnits, publishMessage, requiredReserve, toPublishParams, uriDigest, uriFromDigest } from '../../../src/certificate/onchain.ts'
import { certificateSchema, type Certificate } from '../../../src/schema/certificate.ts'

const read = (name: string): unknown => JSON.parse(readFileSync(fileURLToPath(new URL(`../../../fixtures/certificates/${name}`, import.meta.url)), 'utf8'))
const load = (name: string): Certificate => certificateSchema.parse(read(name))
const anchor = { certHash: `0x${'11'.repeat(32)}` as const, ipfsUri: 'ipfs://bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku' }

describe('toPublishParams (pure mapping of a certificate to the registry call)', () => {
  it("maps seed 003's complete example field by field", () => {
    // the seed's example carries the placeholder signature "0x...", which the mapping does not read
    const example = read('seed-003-example.json') as Certificate
    const params = toPublishParams(example, anchor)
    expect(params).toEqual({
      certHash: anchor.certHash,
      agent: '0x1234567890AbcdEF1234567890aBcdef12345678',
      certificateClass: 2,
      issuedAt: Date.parse('2026-04-01T00:00:00Z') / 1000,
      expiresAt: Date.parse('2026-06-01T00:00:00Z') / 1000,
      containmentBound: 50_000n,
      reserveVault: '0xb2fFaf44Ae415b0e1dFc99c8E07dfDE2a5369Aa6',
      spendingLimit: '0x530ecF8Afddb752748aCE1Ece90e34FD1ca7eE6C',
      uriDigest: uriDigest(anchor.ipfsUri),
      attestations: [{ auditor: '0xe786eB0F88b8A30e0ABf4C634fc414084b2134eC', scope: keccak256(stringToBytes('FULL_STACK_VERIFICATION')), stake: 1_500n }],
    })
    const terms = { certHash: anchor.certHash, agent: params.agent, operator: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', certificateClass: 2, expiresAt: params.expiresAt, containmentBound: 50_000n }
    expect(publishMessage(params, '0x70997970c51812dc3a010c7d01b50e0d17dc79c8')).toEqual({ terms, uriDigest: uriDigest(anchor.ipfsUri) })
    expect(attestMessage(params, '0x70997970c51812dc3a010c7d01b50e0d17dc79c8', 0)).toEqual({ terms, auditor: '0xe786eB0F88b8A30e0ABf4C634fc414084b2134eC', scope: keccak256(stringToBytes('FULL_STACK_VERIFICATION')), stake: 1_500n })
  })

  it('the URI is its CID digest both ways; deposits are keyed by keccak256(certHash); token amounts convert exactly', () => {
    expect(uriFromDigest(uriDigest(anchor.ipfsUri))).toBe(anchor.ipfsUri)
    expect(() => uriDigest('ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG')).toThrow(expect.objectContaining({ code: 'URI_INVALID' }))
    expect(certKey(anchor.certHash)).toBe(keccak256(anchor.certHash))
    expect(requiredReserve('C2', 5_000n, 6)).toBe(15_000_000_000n)
    expect(parseUnits('1500.25', 6, '--fee')).toBe(1_500_250_000n)
    expect(formatUnits(1_500_250_000n, 6)).toBe('1500.25')
    expect(() => parseUnits('0.0000001', 6, '--fee')).toThrow(expect.objectContaining({ code: 'BAD_AMOUNT' }))
    expect(() => parseUnits('1e3', 6, '--fee')).toThrow(expect.objectContaining({ code: 'BAD_AMOUNT' }))
  })

  it('refuses what the registry cannot store exactly: fractional amounts and sub-second times, naming the JSON path', () => {
    const cert = load('valid-c1.json')
    const fractional = { ...cert, derived_metrics: { ...cert.derived_metrics, containment_bound: '50000.5' } }
    expect(() => toPublishParams(fractional, anchor)).toThrow(expect.objectContaining({ code: 'ONCHAIN_AMOUNT_NOT_WHOLE', path: '$.derived_metrics.containment_bound' }))
    const huge = { ...cert, derived_metrics: { ...cert.derived_metrics, containment_bound: (1n << 128n).toString() } }
    expect(() => toPublishParams(huge, anchor)).toThrow(expect.objectContaining({ code: 'ONCHAIN_AMOUNT_TOO_LARGE' }))
    const subSecond = { ...cert, validity: { ...cert.validity, issued_at: '2026-04-01T00:00:00.250Z' } }
    expect(() => toPublishParams(subSecond, anchor)).toThrow(expect.objectContaining({ code: 'ONCHAIN_TIME_INVALID', path: '$.validity.issued_at' }))
    expect(toPublishParams({ ...cert, derived_metrics: { ...cert.derived_metrics, containment_bound: '50000.00' } }, anchor).containmentBound).toBe(50_000n)
  })
})
