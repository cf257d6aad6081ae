import { describe, expect, it } from 'vitest'
import { buildScenario, SCENARIO } from '../../../fixtures/scripts/scenario.ts'
import { certify } from '../../../src/bridge/certify.ts'
import { applyPolicy } from '../../../src/verify/policy.ts'
import { decide } from '../../../src/verify/reasons.ts'
import { riskPolicySchema } from '../../../src/schema/policy.ts'
import type { Certificate } from '../../../src/schema/certificate.ts'
import { memoryRegistry, memoryStore, scenarioEvidence, signer } from '../bridge/memory-ports.ts'

const scenario = buildScenario()
let cert: Certificate
const now = new Date(SCENARIO.now)

async function certificate(): Promise<Certificate> {
  if (cert) return cert
  const { registry } = memoryRegistry()
  const r = await certify({ ...scenarioEvidence(scenario), now, registry, stakeContract: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512', auditor: signer(scenario.evm.auditor.devPrivateKey), store: memoryStore() })
  if (!r.certified) throw new Error('refused')
  cert = r.certificate
  return cert
}
const codes = async (policy: object, at = now) => applyPolicy(await certificate(), riskPolicySchema.parse(policy), at).map((r) => r.code)

describe('risk policy', () => {
  it('accepts the demo certificate under the demo policy and under an empty one', async () => {
    expect(await codes(JSON.parse(scenario.files['policy.json']!))).toEqual([])
    expect(await codes({})).toEqual([])
  })

  it('rejects each mismatch with its own reason', async () => {
    expect(await codes({ min_class: 'C3' })).toEqual(['POLICY_MIN_CLASS'])
    expect(await codes({ max_acceptable_loss: '4999' })).toEqual(['POLICY_MAX_LOSS'])
    expect(await codes({ max_acceptable_loss: '5000' })).toEqual([])
    expect(await codes({ required_constraint_types: ['MULTI_SIG', 'PERMISSION_BOUNDARY'] })).toEqual(['POLICY_CONSTRAINT_MISSING'])
    expect(await codes({ allowed_auditors: ['0x0000000000000000000000000000000000000001'] })).toEqual(['POLICY_AUDITOR_NOT_ALLOWED'])
    expect(await codes({ allowed_auditors: [scenario.evm.auditor.address.toLowerCase()] })).toEqual([])
    expect(await codes({ denied_auditors: [scenario.evm.auditor.address] })).toEqual(['POLICY_AUDITOR_DENIED'])
    expect(await codes({ min_reserve_ratio: 5 })).toEqual(['POLICY_RESERVE_RATIO'])
    expect(await codes({ max_age_days: 3 }, new Date('2026-06-20T00:00:00Z'))).toEqual(['POLICY_MAX_AGE'])
  })

  it('every policy reason rejects', async () => {
    const reasons = applyPolicy(await certificate(), { min_class: 'C3', min_reserve_ratio: 5 }, now)
    expect(decide(reasons)).toBe('reject')
  })

  it('the policy file schema refuses unknown fields and malformed values, with their paths', () => {
    const result = riskPolicySchema.safeParse({ min_class: 'C4', max_acceptable_loss: 10, extra: true })
    expect(result.success).toBe(false)
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['', 'max_acceptable_loss', 'min_class'])
  })
})

describe('decide', () => {
  it('could-not-check beats reject beats condition beats accept', () => {
    const r = (effect: 'reject' | 'condition' | 'could-not-check') => ({ stage: 'policy' as const, code: 'X', effect, message: '' })
    expect(decide([])).toBe('accept')
    expect(decide([r('condition')])).toBe('conditional')
    expect(decide([r('condition'), r('reject')])).toBe('reject')
    expect(decide([r('reject'), r('could-not-check')])).toBe('could-not-check')
  })
})
