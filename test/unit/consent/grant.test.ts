import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { BridgeError } from '../../../src/errors.ts'
import { bytesToBase64Url, utf8 } from '../../../src/crypto/bytes.ts'
import { blake2b256 } from '../../../src/crypto/hash.ts'
import { ed25519FromSeed } from '../../../src/crypto/ed25519.ts'
import { sr25519FromSeed, sr25519Ready } from '../../../src/crypto/sr25519.ts'
import { toCereAddress } from '../../../src/crypto/ss58.ts'
import { buildExpandedGrant, buildGrantEnvelope } from '../../../src/consent/build.ts'
import { cutMember } from '../../../src/consent/grant-bytes.ts'
import { scopeMatches } from '../../../src/consent/scope.ts'
import { grantStatus } from '../../../src/consent/status.ts'
import { grantHash, verifyGrant } from '../../../src/consent/verify-grant.ts'
import type { GrantPayload } from '../../../src/schema/evidence-grant.ts'

const user = ed25519FromSeed(new Uint8Array(32).fill(11))
const agent = ed25519FromSeed(new Uint8Array(32).fill(12))
const hex = (k: Uint8Array) => Buffer.from(k).toString('hex')
const now = new Date('2026-07-15T00:00:00Z')
const payload: GrantPayload = {
  agent_service_pub_key: `ed25519:${hex(agent.publicKey)}`,
  user_pub_key: `ed25519:${hex(user.publicKey)}`,
  created_at: '2026-06-10T08:14:02Z',
  expires_at: '2026-09-10T08:14:02Z',
  revoked: false,
  metadata: { scopes: [{ context: { vaultId: 'v-7c21', scopeId: 'calendar' } }] },
}

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/evidence/${name}`, import.meta.url), 'utf8')

describe('GAR grant envelope', () => {
  it('verifies the signature over the exact base64url-decoded payload bytes and derives the status', () => {
    const envelope = buildGrantEnvelope(payload, user)
    const result = verifyGrant({ text: JSON.stringify(envelope) }, now)
    expect(result).toMatchObject({ form: 'envelope', signatureValid: true, status: 'active', reasons: [] })
    expect(result.scopes).toEqual([{ vaultId: 'v-7c21', scopeId: 'calendar' }])
    expect(result.signerAddress.startsWith('6')).toBe(true)
    expect(result.hash).toBe(grantHash(utf8.encode(JSON.stringify(payload))))
    expect(result.hash).toBe(`0x${hex(blake2b256(utf8.encode(JSON.stringify(payload))))}`)
  })

  it('checks the bytes received, not a re-serialisation: the same JSON with other whitespace fails', () => {
    const envelope = buildGrantEnvelope(payload, user)
    const respaced = { ...envelope, payload: bytesToBase64Url(utf8.encode(JSON.stringify(payload, null, 1))) }
    const result = verifyGrant({ text: JSON.stringify(respaced) }, now)
    expect(result.signatureValid).toBe(false)
    expect(result.reasons[0]).toMatch(/does not verify/)
  })

  it('refuses a grant signed by anyone but its user_pub_key, even with a valid signature', () => {
    const stranger = ed25519FromSeed(new Uint8Array(32).fill(13))
    const result = verifyGrant({ text: JSON.stringify(buildGrantEnvelope(payload, stranger)) }, now)
    expect(result.signatureValid).toBe(false)
    expect(result.reasons.join()).toMatch(/not the grant's user_pub_key/)
  })

  it('accepts an sr25519 wallet signature and the signer as a Cere SS58 address', async () => {
    await sr25519Ready()
    const wallet = sr25519FromSeed(new Uint8Array(32).fill(14))
    const p = { ...payload, user_pub_key: toCereAddress(wallet.publicKey) }
    const envelope = buildGrantEnvelope(p, wallet, 'sr25519')
    envelope.signature.signer = toCereAddress(wallet.publicKey)
    expect(verifyGrant({ text: JSON.stringify(envelope) }, now)).toMatchObject({ signatureValid: true, status: 'active' })
  })

  it('names the file and JSON path for unreadable grants', () => {
    const envelope = buildGrantEnvelope(payload, user)
    const cases: Array<[string, RegExp, string]> = [
      ['{"payload": ', /not valid JSON/, '$'],
      [JSON.stringify({ ...envelope, payload: 'a*b' }), /base64/, '$.payload'],
      [JSON.stringify({ ...envelope, payload: bytesToBase64Url(utf8.encode('nope')) }), /not valid JSON/, '$.payload(decoded)'],
      [JSON.stringify({ ...envelope, signature: { ...envelope.signature, value: 'xyz' } }), /hex/, '$.signature.value'],
      [JSON.stringify({ ...envelope, payload: bytesToBase64Url(utf8.encode(JSON.stringify({ ...payload, created_at: 'yesterday' }))) }), /ISO 8601/, '$.payload(decoded).created_at'],
    ]
    for (const [text, message, path] of cases) {
      try {
        verifyGrant({ text, file: 'g.json' }, now)
        expect.unreachable()
      } catch (error) {
        expect(error).toBeInstanceOf(BridgeError)
        expect((error as BridgeError).file).toBe('g.json')
        expect((error as BridgeError).path).toBe(path)
        expect((error as BridgeError).message).toMatch(message)
      }
    }
  })
})

describe('expanded grant form (seed 000)', () => {
  it('signs the object text with the signature member cut out, nothing else changed', () => {
    const text = buildExpandedGrant(payload, user)
    expect(cutMember(text.trim(), 'signature')).toBe(JSON.stringify(payload, null, 2))
    expect(verifyGrant({ text }, now)).toMatchObject({ form: 'expanded', signatureValid: true, status: 'active' })
    // a change to the payload text (even whitespace) breaks it; the whitespace around the object does not
    expect(verifyGrant({ text: text.replace('"revoked": false', '"revoked":  false') }, now).signatureValid).toBe(false)
    expect(verifyGrant({ text: `\n\n  ${text}  \n` }, now).signatureValid).toBe(true)
  })

  it('cuts a first, middle or last member with one adjacent comma', () => {
    expect(cutMember('{"signature": 1, "a": 2}', 'signature')).toBe('{"a": 2}')
    expect(cutMember('{"a": 1, "signature": {"x": [1, "}"]}, "b": 2}', 'signature')).toBe('{"a": 1, "b": 2}')
    expect(cutMember('{\n  "a": 1,\n  "signature": "s"\n}', 'signature')).toBe('{\n  "a": 1\n}')
    expect(cutMember('{"signature": "s"}', 'signature')).toBe('{}')
  })

  it('verifies the generated fixture whose signer is an SS58 address', () => {
    const result = verifyGrant({ text: fixture('grants/email.json'), file: 'email.json' }, now)
    expect(result).toMatchObject({ form: 'expanded', signatureValid: true, status: 'active' })
    expect(result.grant.expires_at).toBeNull()
  })
})

describe('a grant whose JSON holds a key twice', () => {
  it('is refused with the path of the duplicate, in the decoded payload (envelope) or in the grant text (expanded form)', () => {
    const text = JSON.stringify(payload).replace('"revoked":false', '"revoked":true,"revoked":false')
    const bytes = utf8.encode(text)
    const env = JSON.stringify({ payload: bytesToBase64Url(bytes), signature: { algorithm: 'ed25519', signer: `0x${hex(user.publicKey)}`, value: `0x${hex(user.sign(bytes))}` } })
    expect(() => verifyGrant({ text: env, file: 'g.json' }, now)).toThrow(expect.objectContaining({ code: 'JSON_DUPLICATE_KEY', file: 'g.json', path: '$.payload(decoded).revoked' }))
    const expanded = buildExpandedGrant(payload, user).replace('"revoked": false', '"revoked": true,\n  "revoked": false')
    expect(() => verifyGrant({ text: expanded, file: 'x.json', path: '$[2]' }, now)).toThrow(expect.objectContaining({ code: 'JSON_DUPLICATE_KEY', path: '$[2].revoked' }))
  })
})

describe('grant status and scope', () => {
  it('derives revoked, expired, not_yet_valid and active at a given time', () => {
    expect(grantStatus(payload, now)).toBe('active')
    expect(grantStatus({ ...payload, revoked: true }, now)).toBe('revoked')
    expect(grantStatus(payload, new Date('2026-09-10T08:14:03Z'))).toBe('expired')
    expect(grantStatus(payload, new Date('2026-09-10T08:14:02Z'))).toBe('active')
    expect(grantStatus(payload, new Date('2026-06-10T08:14:01Z'))).toBe('not_yet_valid')
    expect(grantStatus({ ...payload, expires_at: null }, new Date('2099-01-01T00:00:00Z'))).toBe('active')
  })

  it('matches vault and workspace contexts exactly', () => {
    expect(scopeMatches({ vaultId: 'v-1', scopeId: 'calendar' }, 'v-1 / calendar')).toBe(true)
    expect(scopeMatches({ vaultId: 'v-1', scopeId: 'calendar' }, 'v-1 / email')).toBe(false)
    expect(scopeMatches({ vaultId: 'v-1', scopeId: 'calendar' }, 'v-2 / calendar')).toBe(false)
    expect(scopeMatches({ vaultId: 'v-1', scopeId: 'calendar' }, 'v-1/calendar')).toBe(false)
    expect(scopeMatches({ workspace_id: 'w', stream_id: 's' }, { workspace_id: 'w', stream_id: 's' })).toBe(true)
    expect(scopeMatches({ workspace_id: 'w', stream_id: 's' }, 'w / s')).toBe(true)
    expect(scopeMatches({ workspace_id: 'w', stream_id: 's' }, { vaultId: 'w', scopeId: 't' })).toBe(false)
  })
})
