import { CID } from 'multiformats/cid'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { certificateBody, certificateCid, certificateHash, certificateUri, parseCertificateUri } from '../../../src/certificate/hash.ts'
import { utf8 } from '../../../src/crypto/bytes.ts'
import { certificatesDir, loadFixture } from './support.ts'

/** The same object with its keys in reverse order at every level. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]))
  return value
}

describe('certificateHash', () => {
  const cert = loadFixture('valid-c2.json')
  const hash = certificateHash(cert)

  it('is a 32-byte keccak256 hex, stable for the committed fixture', () => {
    expect(hash).toMatch(/^0x[0-9a-f]{64}$/)
    expect(certificateHash(loadFixture('valid-c2.json'))).toBe(hash)
  })

  it('key order and whitespace do not change it', () => {
    expect(certificateHash(reverseKeys(cert) as any)).toBe(hash)
    expect(certificateHash(JSON.parse(JSON.stringify(cert)))).toBe(hash)
    expect(certificateHash(JSON.parse(JSON.stringify(cert, null, 7)))).toBe(hash)
  })

  it('validity.status and attestation signatures are not committed', () => {
    const changed = structuredClone(cert)
    changed.validity.status = 'REVOKED'
    changed.attestations[0].signature = `0x${'11'.repeat(65)}`
    expect(certificateHash(changed)).toBe(hash)
    delete changed.validity.status
    delete changed.attestations[0].signature
    expect(certificateHash(changed)).toBe(hash)
    expect(certificateBody(cert).attestations[0]).not.toHaveProperty('signature')
    expect(certificateBody(cert).validity).toEqual({ issued_at: cert.validity.issued_at, expires_at: cert.validity.expires_at })
  })

  const edits: [string, (c: any) => void][] = [
    ['version', (c) => (c.version = '0.2.1')],
    ['certificate_id', (c) => (c.certificate_id = c.certificate_id.slice(0, -1) + (c.certificate_id.endsWith('0') ? '1' : '0'))],
    ['chain id', (c) => (c.identity.chain_id = 1)],
    ['agent name', (c) => (c.identity.agent_name = 'beta')],
    ['expiry', (c) => (c.validity.expires_at = '2026-05-30T00:00:00Z')],
    ['a spending limit amount', (c) => (c.constraints[0].value.amount = '50001')],
    ['the agent_independent flag', (c) => (c.constraints[4].agent_independent = true)],
    ['constraint order', (c) => c.constraints.reverse()],
    ['the reserve ratio', (c) => (c.reserve.reserve_ratio = 3.5)],
    ['an attestation scope', (c) => (c.attestations[0].scope = 'FULL_STACK_VERIFICATION')],
    ['an attestation stake', (c) => (c.attestations[0].stake_amount = '25001')],
    ['the declared class', (c) => (c.derived_metrics.certificate_class = 'C1')],
    ['operator metadata', (c) => (c.operator_metadata.contact = 'x@y.z')],
    ['a dependency', (c) => c.dependency_disclosure.external_apis.push('twilio')],
  ]
  for (const [what, edit] of edits) {
    it(`changing ${what} changes it`, () => {
      const changed = structuredClone(cert)
      edit(changed)
      expect(certificateHash(changed)).not.toBe(hash)
    })
  }

  it('is keccak256 over RFC 8785 text: numbers in shortest form (3.0 and 3 are the same number)', () => {
    const a = structuredClone(cert)
    const b = JSON.parse(JSON.stringify(cert).replace('"reserve_ratio":3', '"reserve_ratio":3.0'))
    expect(certificateHash(b)).toBe(certificateHash(a))
  })
})

describe('certificateUri', () => {
  it('is ipfs:// + CIDv1 raw sha2-256 of the exact bytes; other bytes, other URI', () => {
    const bytes = new Uint8Array(readFileSync(`${certificatesDir}valid-c2.json`))
    const uri = certificateUri(bytes)
    expect(uri).toMatch(/^ipfs:\/\/bafkrei[a-z2-7]{52}$/)
    const cid = CID.parse(uri.slice(7))
    expect(cid.version).toBe(1)
    expect(cid.code).toBe(0x55)
    expect(cid.multihash.code).toBe(0x12)
    const reformatted = utf8.encode(JSON.stringify(JSON.parse(utf8.decode(bytes))))
    expect(certificateUri(reformatted)).not.toBe(uri)
  })

  it('matches the well-known CID of the empty file and of "hello world"', () => {
    expect(certificateCid(new Uint8Array())).toBe('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')
    expect(certificateCid(utf8.encode('hello world'))).toBe('bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e')
  })

  it('parseCertificateUri takes the CID back out, and refuses other URIs', () => {
    const uri = certificateUri(utf8.encode('{}'))
    expect(parseCertificateUri(uri)).toEqual({ cid: uri.slice(7), rawSha256: true })
    expect(parseCertificateUri('ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG')).toEqual({ cid: 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG', rawSha256: false })
    expect(() => parseCertificateUri('https://example.com/x')).toThrow(/expected an ipfs:\/\/<CID> URI/)
    expect(() => parseCertificateUri('ipfs://not-a-cid')).toThrow(/not a valid CID/)
  })
})

describe('a lone surrogate in a certificate', () => {
  it('validation reports it with its path (the certificate cannot be checked); hashing refuses it with the path', async () => {
    const { validateCertificate } = await import('../../../src/certificate/validate.ts')
    const cert = structuredClone(loadFixture('valid-c2.json'))
    cert.constraints[0]!.enforcement.mechanism = 'x\udc00'
    const result = validateCertificate(cert)
    expect(result).toMatchObject({ valid: false, checked: false, errors: [{ code: 'SCHEMA', path: '$.constraints[0].enforcement.mechanism' }] })
    expect(() => certificateHash(cert)).toThrow(expect.objectContaining({ code: 'JSON_LONE_SURROGATE', path: '$.constraints[0].enforcement.mechanism' }))
  })
})
