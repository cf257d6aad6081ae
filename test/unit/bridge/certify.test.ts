import { recoverTypedDataAddress } from 'viem'
import { describe, expect, it } from 'vitest'
import { buildScenario, SCENARIO, type ScenarioOptions } from '../../../fixtures/scripts/scenario.ts'
import { certify, type CertifyResult } from '../../../src/bridge/certify.ts'
import { ccpDomain, ccpTypes } from '../../../src/crypto/eip712.ts'
import { certificateAttestMessage } from '../../../src/certificate/onchain.ts'
import { certificateHash } from '../../../src/certificate/hash.ts'
import { validateCertificate } from '../../../src/certificate/validate.ts'
import { memoryStore, scenarioEvidence, signer } from './memory-ports.ts'
import { containmentConfigSchema } from '../../../src/schema/config.ts'
import { zodIssues } from '../../../src/schema/zod-issues.ts'

const registry = { chainId: 31337, address: '0x5FbDB2315678afecb367f032d93F642f64180aa3' as const }
const staking = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512' as const

async function run(options: ScenarioOptions = {}, edit: (e: ReturnType<typeof scenarioEvidence>) => void = () => undefined, now: string = SCENARIO.now) {
  const scenario = buildScenario(options)
  const evidence = scenarioEvidence(scenario)
  edit(evidence)
  const store = memoryStore()
  const result = await certify({ ...evidence, now: new Date(now), registry, stakeContract: staking, auditor: signer(scenario.evm.auditor.devPrivateKey), store })
  return { result, store, scenario }
}

const codes = (r: CertifyResult) => (r.certified ? [] : [...new Set(r.refusals.map((x) => x.code))])

describe('certify', () => {
  it('composes a valid C2 certificate per the mapping table and signs the trail attestation', async () => {
    const { result, store, scenario } = await run()
    if (!result.certified) throw new Error(JSON.stringify(result.refusals))
    const cert = result.certificate
    expect(validateCertificate(cert, { chainId: 31337, now: new Date(SCENARIO.now) }).valid).toBe(true)
    expect(cert.validity).toEqual({ issued_at: '2026-06-15T00:00:00Z', expires_at: '2026-08-14T00:00:00Z' })
    expect(cert.constraints.at(-1)).toEqual({
      type: 'PERMISSION_BOUNDARY',
      value: { scopes: [{ vaultId: SCENARIO.vaultId, scopeId: SCENARIO.scopeId }], grant_hashes: [scenario.grantHash] },
      enforcement: { mechanism: 'CONSENT_REGISTRY' },
      formally_verified: false,
      agent_independent: true,
    })
    expect(cert.derived_metrics).toEqual({ containment_bound: '5000', containment_bound_denomination: 'USDC', agent_independent_layer_count: 3, agent_influenceable_layer_count: 0, certificate_class: 'C2' })
    expect(result.certHash).toBe(certificateHash(cert))
    const a = cert.attestations[0]!
    expect(a.scope).toBe('ACTIVITY_TRAIL_VERIFICATION')
    // the auditor signs the certificate's terms: certHash, agent, operator, class, expiry, bound (and scope, stake)
    const message = certificateAttestMessage(cert, result.certHash, 0)
    expect(message.terms).toEqual({ certHash: result.certHash, agent: cert.identity.agent_id, operator: cert.identity.operator_id, certificateClass: 2, expiresAt: Date.parse(cert.validity.expires_at) / 1000, containmentBound: 5000n })
    const recovered = await recoverTypedDataAddress({ domain: ccpDomain(31337, registry.address), types: ccpTypes, primaryType: 'Attest', message, signature: a.signature as `0x${string}` })
    expect(recovered).toBe(scenario.evm.auditor.address)
    const report = JSON.parse(new TextDecoder().decode(store.files.get(a.report_hash)))
    expect(report).toMatchObject({ type: 'ccp-bridge/trail-report/v1', records: 6, validSignatures: 18, outOfScope: 0, ok: true, consent: { agent_service_pub_key: `ed25519:${scenario.agentServiceKey}` } })
    expect(report.consent.grants.map((g: { hash: string }) => g.hash)).toEqual([scenario.grantHash])
  })

  it('is deterministic: the same evidence gives the same certificate and certHash', async () => {
    const a = await run()
    const b = await run()
    expect(a.result.certified && b.result.certified && a.result.certHash === b.result.certHash).toBe(true)
  })

  it('caps expires_at by the earliest grant expiry', async () => {
    const { result } = await run({ grantExpiresAt: '2026-07-01T12:30:00Z', certificateClass: 'C1', reserveRatio: 1 })
    expect(result.certified && result.certificate.validity.expires_at).toBe('2026-07-01T12:30:00Z')
  })

  it('caps expires_at by the class maximum (C1: 90 days) when the grant outlives it', async () => {
    const { result } = await run({ grantExpiresAt: null, certificateClass: 'C1', reserveRatio: 1 })
    expect(result.certified && result.certificate.validity.expires_at).toBe('2026-09-13T00:00:00Z')
  })

  it('refuses without an active grant', async () => {
    const { result } = await run({ revoked: true })
    expect(codes(result)).toContain('NO_ACTIVE_GRANT')
    const none = await run({}, (e) => (e.grants = []))
    expect(codes(none.result)).toContain('NO_ACTIVE_GRANT')
  })

  it('a config whose attestation stake is not a whole number (of the stake token\'s smallest unit) is refused at its JSON path (it cannot be signed)', async () => {
    const { config } = scenarioEvidence(buildScenario())
    const parsed = containmentConfigSchema.safeParse({ ...config, attestation: { ...config.attestation, stake_amount: '0.5' } })
    expect(parsed.success).toBe(false)
    expect(!parsed.success && zodIssues(parsed.error)[0]).toEqual({ path: '$.attestation.stake_amount', message: expect.stringContaining('whole number') })
  })

  it('refuses an expired grant (checked at --now)', async () => {
    const { result } = await run({}, undefined, '2026-09-11T00:00:00Z')
    expect(codes(result)).toContain('NO_ACTIVE_GRANT')
  })

  it('refuses a grant with a broken signature, naming it', async () => {
    const { result } = await run({}, (e) => {
      const env = JSON.parse(e.grants[0]!.text) as { signature: { value: string } }
      env.signature.value = env.signature.value.replace(/.$/, (c) => (c === '0' ? '1' : '0'))
      e.grants[0]!.text = JSON.stringify(env)
    })
    expect(codes(result)).toEqual(expect.arrayContaining(['GRANT_SIGNATURE_INVALID', 'NO_ACTIVE_GRANT']))
  })

  it('refuses a record failing verification', async () => {
    const { result } = await run({ tamperFirstRecord: true })
    expect(codes(result)).toContain('TRAIL_VERIFICATION_FAILED')
    expect(!result.certified && result.refusals.some((r) => r.message.includes('dac-0192830001'))).toBe(true)
  })

  it('refuses a record outside the consent', async () => {
    const { result } = await run({ lastRecordScope: `${SCENARIO.vaultId} / email` })
    expect(codes(result)).toContain('RECORD_OUTSIDE_CONSENT')
  })

  it('refuses an unattested trail (no validator round)', async () => {
    const { result } = await run({}, (e) => (e.trail.rounds = []))
    expect(codes(result)).toEqual(['TRAIL_NOT_ATTESTED'])
  })

  it('refuses a class the rules do not support, naming the real cause: C3 without composition analysis, C2 with a 1x reserve', async () => {
    expect(codes((await run({ certificateClass: 'C3', reserveRatio: 5 })).result)).toEqual(['COMPOSITION_ANALYSIS_REQUIRED'])
    expect(codes((await run({ certificateClass: 'C3' })).result)).toEqual(['RESERVE_RATIO_BELOW_CLASS_MIN', 'COMPOSITION_ANALYSIS_REQUIRED'])
    const ratio = (await run({ reserveRatio: 1 })).result
    expect(codes(ratio)).toEqual(['RESERVE_RATIO_BELOW_CLASS_MIN'])
    expect(!ratio.certified && ratio.refusals[0]!.message).toContain('class C2 needs at least 3×')
  })

  it('issue 12 defect 17: a zero stake is reported as a stake problem, not a class problem', async () => {
    const { result } = await run({}, (e) => (e.config.attestation.stake_amount = '0'))
    expect(codes(result)).toEqual(['ATTESTATION_NOT_STAKED'])
    expect(!result.certified && result.refusals[0]!.message).toMatch(/stake_amount is 0: class C2 needs a staked attestation/)
    expect(!result.certified && result.refusals.some((r) => /validity|reserve ratio/.test(r.message))).toBe(false)
  })

  it('an auditor key that is the operator is reported as such', async () => {
    const scenario = buildScenario()
    const evidence = scenarioEvidence(scenario)
    const result = await certify({ ...evidence, now: new Date(SCENARIO.now), registry, stakeContract: staking, auditor: signer(scenario.evm.operator.devPrivateKey), store: memoryStore() })
    expect(codes(result)).toEqual(['AUDITOR_NOT_INDEPENDENT'])
  })
})
