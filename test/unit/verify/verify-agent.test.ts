import { describe, expect, it } from 'vitest'
import { buildScenario, SCENARIO } from '../../../fixtures/scripts/scenario.ts'
import { certify } from '../../../src/bridge/certify.ts'
import { publish } from '../../../src/bridge/publish.ts'
import { verifyAgent } from '../../../src/verify/verify-agent.ts'
import { certificateHash } from '../../../src/certificate/hash.ts'
import { memoryRegistry, memoryState, memoryStore, scenarioEvidence, signer } from '../bridge/memory-ports.ts'

const scenario = buildScenario()
const now = new Date(SCENARIO.now)
const agentAddress = scenario.evm.agent.address

async function world() {
  const { registry, records } = memoryRegistry()
  const store = memoryStore()
  const auditor = signer(scenario.evm.auditor.devPrivateKey)
  const r = await certify({ ...scenarioEvidence(scenario), now, registry, stakeContract: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512', auditor, store })
  if (!r.certified) throw new Error('refused')
  const bytes = new TextEncoder().encode(JSON.stringify(r.certificate))
  const published = await publish({ bytes, store, registry, state: memoryState(), operator: signer(scenario.evm.operator.devPrivateKey), agent: signer(scenario.evm.agent.devPrivateKey), auditors: [auditor], now })
  return { registry, records, store, certificate: r.certificate, certHash: r.certHash, uri: published.uri }
}
const codes = (r: { reasons: Array<{ code: string }> }) => r.reasons.map((x) => x.code)

describe('verifyAgent (stages 9-10)', () => {
  it('accepts a valid, active, anchored certificate with every signature, its reserve and its stake checked', async () => {
    const { registry, store, certHash, uri } = await world()
    const r = await verifyAgent({ agent: agentAddress, registry, store, policy: {}, now })
    expect(r).toMatchObject({ decision: 'accept', certHash, uri, status: 'ACTIVE', reasons: [] })
    expect(r.reserve).toMatchObject({ symbol: 'USDC', backing: 15_000_000_000n, required: 15_000_000_000n, exogenous: true })
    expect(r.stakes).toEqual([{ auditor: scenario.evm.auditor.address, bonded: true, staked: 1_500_000_000n, claimed: 1_500_000_000n }])
  })

  it('checks on chain that the reserve is locked in an exogenous token of the denomination, covering the class ratio and the declared amount, and says why not', async () => {
    const { registry, store } = await world()
    const withReserve = (reserve: Partial<Awaited<ReturnType<typeof registry.reserveOf>>>) => ({ ...registry, reserveOf: async (c: `0x${string}`, o: `0x${string}`) => ({ ...(await registry.reserveOf(c, o)), ...reserve }) })
    const check = async (reg: typeof registry) => {
      const r = await verifyAgent({ agent: agentAddress, registry: reg, store, policy: {}, now })
      expect(r.decision).toBe('reject')
      return r.reasons.filter((x) => x.stage === 'reserve')
    }
    expect(await check(withReserve({ token: null }))).toEqual([{ stage: 'reserve', code: 'RESERVE_NOT_FUNDED', effect: 'reject', message: expect.stringContaining('holds no reserve of operator') }])
    expect((await check(withReserve({ backing: 9_000_000_000n }))).map((x) => [x.code, x.message])).toEqual([['RESERVE_SHORTFALL', 'the vault backs 9000 USDC of the 15000 a C2 with bound 5000 needs (3×)']])
    expect((await check(withReserve({ exogenous: false }))).map((x) => x.code)).toEqual(['RESERVE_NOT_EXOGENOUS'])
    expect((await check(withReserve({ symbol: 'DAI' }))).map((x) => x.code)).toEqual(['RESERVE_DENOMINATION_MISMATCH'])
  })

  it('checks on chain that every auditor is bonded with its stake there, meeting the class minimum, and says why not', async () => {
    const { registry, store } = await world()
    const stakeCodes = async (reg: typeof registry) => (await verifyAgent({ agent: agentAddress, registry: reg, store, policy: {}, now })).reasons.filter((x) => x.stage === 'stakes').map((x) => x.code)
    expect(await stakeCodes({ ...registry, attestationOf: async () => ({ bonded: false, staked: 1_500_000_000n }) })).toEqual(['AUDITOR_NOT_BONDED'])
    expect(await stakeCodes({ ...registry, attestationOf: async () => ({ bonded: true, staked: 1n }) })).toEqual(['STAKE_MISSING'])
    expect(await stakeCodes({ ...registry, minStake: async () => 2_000_000_000n })).toEqual(['STAKE_BELOW_CLASS_MINIMUM'])
    const slashed = { ...registry, lifecycle: async (c: `0x${string}`) => ({ ...(await registry.lifecycle(c))!, challengeUpheld: true }), attestationOf: async () => ({ bonded: true, staked: 0n }) }
    expect(await stakeCodes(slashed)).toEqual(['STAKES_SLASHED', 'STAKE_MISSING'])
  })

  it('rejects an agent without a certificate', async () => {
    const { registry, store } = await world()
    const r = await verifyAgent({ agent: scenario.evm.counterparty.address, registry, store, policy: {}, now })
    expect(r.decision).toBe('reject')
    expect(codes(r)).toEqual(['NO_CERTIFICATE'])
  })

  it('rejects a tampered stored document (CID mismatch) and cannot check a missing one', async () => {
    const { registry, store, uri } = await world()
    store.files.set(uri, new TextEncoder().encode(new TextDecoder().decode(store.files.get(uri)).replace('"5000"', '"1"')))
    expect(codes(await verifyAgent({ agent: agentAddress, registry, store, policy: {}, now }))).toEqual(['CID_MISMATCH'])
    store.files.delete(uri)
    const missing = await verifyAgent({ agent: agentAddress, registry, store, policy: {}, now })
    expect(missing.decision).toBe('could-not-check')
  })

  it('rejects a document whose certHash differs from the one anchored', async () => {
    const { registry, records, store, certHash, certificate } = await world()
    const other = { ...certificate, operator_metadata: { ...certificate.operator_metadata, company: 'Changed' } }
    const { uri } = await store.put(new TextEncoder().encode(JSON.stringify(other)))
    records.get(certHash)!.ipfsUri = uri
    const r = await verifyAgent({ agent: agentAddress, registry, store, policy: {}, now })
    expect(codes(r)).toContain('CERT_HASH_MISMATCH')
    expect(certificateHash(other)).not.toBe(certHash)
  })

  it('rejects a forged auditor signature', async () => {
    const { registry, records, store, certHash, certificate } = await world()
    const forged = structuredClone(certificate)
    forged.attestations[0]!.signature = forged.attestations[0]!.signature.replace(/^0x(..)/, (_m, b: string) => `0x${b === 'aa' ? 'bb' : 'aa'}`)
    const { uri } = await store.put(new TextEncoder().encode(JSON.stringify(forged)))
    records.get(certHash)!.ipfsUri = uri
    expect(codes(await verifyAgent({ agent: agentAddress, registry, store, policy: {}, now }))).toContain('AUDITOR_SIGNATURE_INVALID')
  })

  it('rejects a revoked certificate and an expired one', async () => {
    const { registry, store, certHash } = await world()
    const expired = await verifyAgent({ agent: agentAddress, registry, store, policy: {}, now: new Date('2026-08-15T00:00:00Z') })
    expect(codes(expired)).toContain('CERTIFICATE_EXPIRED')
    await registry.revoke(certHash, signer(scenario.evm.operator.devPrivateKey))
    const revoked = await verifyAgent({ agent: agentAddress, registry, store, policy: {}, now })
    expect(revoked.decision).toBe('reject')
    expect(codes(revoked)).toContain('CERTIFICATE_REVOKED')
  })

  describe('record fields the signed Publish struct does not cover (the operator alone sends them)', () => {
    const mismatches = (r: { reasons: Array<{ code: string; message: string }> }) => r.reasons.filter((x) => x.code === 'ANCHOR_FIELD_MISMATCH').map((x) => x.message)

    it('the anchored record agrees with the document on every field: no mismatch', async () => {
      const { registry, records, store, certHash, certificate } = await world()
      const record = records.get(certHash)!
      expect(record.issuedAt * 1000).toBe(Date.parse(certificate.validity.issued_at))
      expect(record.auditors.length).toBe(certificate.attestations.length)
      expect(record.spendingLimit).not.toBe('0x0000000000000000000000000000000000000000')
      expect(mismatches(await verifyAgent({ agent: agentAddress, registry, store, policy: {}, now }))).toEqual([])
    })

    it("rejects a record whose issuedAt is not the document's validity.issued_at", async () => {
      const { registry, records, store, certHash, certificate } = await world()
      records.get(certHash)!.issuedAt -= 86_400
      const r = await verifyAgent({ agent: agentAddress, registry, store, policy: {}, now })
      expect(r.decision).toBe('reject')
      const earlier = new Date(Date.parse(certificate.validity.issued_at) - 86_400_000).toISOString().replace('.000Z', 'Z')
      expect(mismatches(r)).toEqual([`validity.issued_at: the document says ${certificate.validity.issued_at}, the registry ${earlier}`])
      expect(r.reasons.find((x) => x.code === 'ANCHOR_FIELD_MISMATCH')).toMatchObject({ stage: 'integrity', effect: 'reject' })
    })

    it("rejects a record whose reserveVault is not the document's reserve.contract_address", async () => {
      const { registry, records, store, certHash, certificate } = await world()
      records.get(certHash)!.reserveVault = '0x000000000000000000000000000000000000dEaD'
      const r = await verifyAgent({ agent: agentAddress, registry, store, policy: {}, now })
      expect(r.decision).toBe('reject')
      expect(mismatches(r)).toEqual([`reserve vault (reserve.contract_address): the document says ${certificate.reserve.contract_address}, the registry 0x000000000000000000000000000000000000dEaD`])
    })

    it("rejects a record whose spendingLimit is not the containment bound's SPENDING_LIMIT contract (zero address included)", async () => {
      const { registry, records, store, certHash } = await world()
      records.get(certHash)!.spendingLimit = '0x0000000000000000000000000000000000000000'
      const r = await verifyAgent({ agent: agentAddress, registry, store, policy: {}, now })
      expect(r.decision).toBe('reject')
      expect(mismatches(r)).toHaveLength(1)
      expect(mismatches(r)[0]).toMatch(/^spending limit contract \(constraints\[\d+\]\.enforcement\.contract_address\): the document says 0x[0-9a-fA-F]{40}, the registry 0x0{40}$/)
    })

    it('rejects a record whose auditors differ from the attestations (one dropped, or another address)', async () => {
      const { registry, records, store, certHash, certificate } = await world()
      const record = records.get(certHash)!
      const original = [...record.auditors]
      record.auditors = []
      const dropped = await verifyAgent({ agent: agentAddress, registry, store, policy: {}, now })
      expect(dropped.decision).toBe('reject')
      expect(mismatches(dropped)).toEqual([`auditors (attestations[].auditor_id, in order): the document says [${certificate.attestations.map((a) => a.auditor_id).join(', ')}], the registry []`])
      record.auditors = original.map(() => '0x000000000000000000000000000000000000bEEF')
      expect(mismatches(await verifyAgent({ agent: agentAddress, registry, store, policy: {}, now }))).toHaveLength(1)
      record.auditors = original.map((a) => a.toLowerCase() as typeof a)
      expect(mismatches(await verifyAgent({ agent: agentAddress, registry, store, policy: {}, now }))).toEqual([])
    })
  })
})
