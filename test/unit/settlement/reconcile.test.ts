import { describe, expect, it } from 'vitest'
import { reconcileResultSchema } from '../../../src/schema/settlement-result.ts'
import { reconcileEra, reconciliationJson, type Reconciliation } from '../../../src/settlement/reconcile.ts'
import { loadScenario, SCENARIOS } from './fixture-files.ts'

function run(name: string, change: Partial<ReturnType<typeof loadScenario>> = {}, withUsage = true): Reconciliation {
  const s = { ...loadScenario(name), ...change }
  return reconcileEra({ clusterId: s.usage.cluster_id, era: s.usage.era, params: s.params, events: s.events, ...(withUsage ? { usage: s.usage } : {}) })
}
const party = (r: Reconciliation, role: string, index = 0) => r.parties.filter((p) => p.role === role)[index]!

describe('reconcileEra on the generated scenarios', () => {
  it.each(SCENARIOS)('%s has the verdict it was built for, in the spec result shape', (name) => {
    const result = run(name)
    expect(result.verdict).toBe(loadScenario(name).expected.verdict)
    expect(() => reconcileResultSchema.parse(reconciliationJson(result))).not.toThrow()
  })

  it('balanced: every party matches, conservation to the planck, quorum 4 of 5, closed', () => {
    const r = run('balanced')
    expect(r.parties.map((p) => p.role)).toEqual(['customer', 'customer', 'customer', 'treasury', 'validators', 'cluster_reserve', 'provider', 'provider'])
    expect(r.parties.every((p) => p.difference === 0n)).toBe(true)
    const c = r.conservation
    expect(c.collected).toBe(c.profits + c.fees + c.undistributed + c.dust)
    expect(c.holds).toBe(true)
    expect(r.quorum).toEqual({ validators: 5, committed: 4, holds: true })
    expect(r.closed).toBe(true)
  })

  it("a partially charged and an indebted customer: charged + indebted = charge; providers are owed their share of the computed costs", () => {
    const r = run('partial-indebted')
    expect(r.verdict).toBe('discrepancies')
    const partial = party(r, 'customer', 1)
    expect(partial.reason).toMatch(/charged partially \(\d+ of \d+\); indebted customer/)
    expect(partial.difference).toBe(0n)
    const nothing = party(r, 'customer', 2)
    expect(nothing.reason).toMatch(/^charged nothing: indebted customer/)
    expect(nothing.difference).toBe(0n)
    expect(r.parties.filter((p) => p.role !== 'provider').every((p) => p.difference === 0n)).toBe(true)
    const balanced = run('balanced')
    expect(r.conservation.collected).toBeLessThan(balanced.conservation.collected)
    // same usage, same cluster costs: a partial charge does not lower what providers are owed
    expect(party(r, 'provider', 0).expected).toBe(party(balanced, 'provider', 0).expected)
    expect(party(r, 'provider', 1).expected).toBe(party(balanced, 'provider', 1).expected)
    // the era's vault could not pay them: each shortfall is named
    for (const i of [0, 1]) {
      expect(party(r, 'provider', i).difference).toBeLessThan(0n)
      expect(party(r, 'provider', i).reason).toMatch(/undistributed reward \(\d+ not paid out\)/)
    }
    // the shortfall was never in the vault: the vault paid out all it held, so conservation holds with nothing undistributed
    expect(r.conservation.undistributed).toBe(0n)
    expect(r.conservation.collected).toBe(r.conservation.profits + r.conservation.fees + r.conservation.dust)
    expect(r.conservation.dust).toBeGreaterThanOrEqual(0n)
    expect(r.conservation.holds).toBe(true)
  })

  it('an over-rewarded provider: +1,000,000 planck, conservation broken', () => {
    const r = run('over-rewarded')
    const provider = party(r, 'provider', 0)
    expect(provider.difference).toBe(1_000_000n)
    expect(provider.reason).toMatch(/over-rewarded/)
    expect(provider.reason).toMatch(/the chain expected to reward/)
    expect(r.conservation.dust).toBe(-1_000_000n)
    expect(r.conservation.holds).toBe(false)
    expect(party(r, 'provider', 1).difference).toBe(0n)
  })

  it('an undistributed reward is named, and what stayed in the vault (NotDistributedOverallReward) is kept in conservation', () => {
    const r = run('undistributed')
    const provider = party(r, 'provider', 1)
    expect(provider.actual).toBe(1_000n)
    expect(provider.reason).toMatch(/undistributed reward \(\d+ not paid out\)/)
    const overall = loadScenario('undistributed').events.find((e) => e.method === 'NotDistributedOverallReward')!
    expect(r.conservation.undistributed).toBe(BigInt(overall.data['expected_reward'] as string) - BigInt(overall.data['total_distributed_rewards'] as string))
    expect(r.conservation.dust).toBe(0n)
    expect(r.conservation.holds).toBe(true)
  })

  it('a missing ClusterEraPaid makes the era incomplete', () => {
    const r = run('missing-era-paid')
    expect(r.closed).toBe(false)
    expect(r.missing).toEqual(['closing (no DdcClusters.ClusterEraPaid)'])
  })

  it('missing reward events: incomplete, each provider "missing event"', () => {
    const s = loadScenario('balanced')
    const r = run('balanced', { events: s.events.filter((e) => e.method !== 'Rewarded') })
    expect(r.verdict).toBe('incomplete')
    expect(party(r, 'provider').reason).toMatch(/^missing event/)
    expect(r.missing).toContain('rewarding (no Rewarded / ProviderRewarded events)')
  })

  it('a customer whose charge event is missing is a discrepancy with the reason', () => {
    const s = loadScenario('balanced')
    const victim = s.usage.customers[0]!.id
    const r = run('balanced', { events: s.events.filter((e) => !(e.method === 'Charged' && e.section === 'ddcPayouts' && e.data['customer_id'] === victim)) })
    expect(r.verdict).toBe('discrepancies')
    expect(party(r, 'customer', 0).reason).toMatch(/^missing event/)
  })

  it('no quorum: 3 of 5 (60 %) is below 67 %', () => {
    const r = run('no-quorum')
    expect(r.quorum).toEqual({ validators: 5, committed: 3, holds: false })
  })

  it('commits made after the payout began do not count towards the quorum', () => {
    const s = loadScenario('balanced')
    const late = s.events.map((e) => (e.method === 'PayoutFingerprintCommited' ? { ...e, block: 99 } : e))
    expect(run('balanced', { events: late }).quorum.committed).toBe(0)
  })

  it('both event-name generations give the same reconciliation', () => {
    const legacy = run('legacy-names')
    const current = run('balanced')
    expect(reconciliationJson(legacy)).toEqual(reconciliationJson(current))
    expect(loadScenario('legacy-names').events.some((e) => e.method === 'ProviderRewarded')).toBe(true)
    expect(loadScenario('legacy-names').events.some((e) => e.method === 'BillingReportFinalized')).toBe(true)
  })

  it('fee shares that change between eras: era 413 balances with its own params, not with era 412\'s', () => {
    expect(run('shares-413').verdict).toBe('balanced')
    const wrong = run('shares-413', { params: loadScenario('balanced').params })
    expect(wrong.verdict).toBe('discrepancies')
    expect(party(wrong, 'treasury').reason).toMatch(/^1\.0% of collected; fee above its share/)
    expect(party(wrong, 'treasury').difference).toBeGreaterThan(0n)
  })

  it('validators come from ValidatorsSetUpdated when the params list none', () => {
    const s = loadScenario('balanced')
    expect(run('balanced', { params: { ...s.params, validators: [] } }).quorum).toEqual({ validators: 5, committed: 4, holds: true })
  })

  it("without usage, expectations are the chain's own figures and the reasons say so", () => {
    const r = run('balanced', {}, false)
    expect(r.verdict).toBe('balanced')
    expect(party(r, 'customer').reason).toMatch(/no usage given/)
    expect(party(r, 'provider').reason).toMatch(/no usage given/)
    expect(run('over-rewarded', {}, false).verdict).toBe('discrepancies') // conservation still catches it
  })

  it('ignores events of other clusters and eras', () => {
    const s = loadScenario('balanced')
    const other = s.events.map((e) => ({ ...e, data: { ...e.data, ...('era' in e.data ? { era: 999 } : {}), ...('era_id' in e.data ? { era_id: 999 } : {}) } }))
    const r = reconcileEra({ clusterId: s.usage.cluster_id, era: 412, params: s.params, events: [...other], usage: s.usage })
    expect(r.verdict).toBe('incomplete')
    expect(r.conservation.collected).toBe(0n)
  })
})
