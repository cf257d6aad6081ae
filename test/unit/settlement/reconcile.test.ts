import { describe, expect, it } from 'vitest'
import { BridgeError } from '../../../src/errors.ts'
import { reconcileResultSchema } from '../../../src/schema/settlement-result.ts'
import { reconcileEra, reconciliationJson, type Reconciliation } from '../../../src/settlement/reconcile.ts'
import { loadScenario, SCENARIOS } from './fixture-files.ts'

function run(name: string, change: Partial<ReturnType<typeof loadScenario>> = {}, withUsage = true): Reconciliation {
  const s = { ...loadScenario(name), ...change }
  return reconcileEra({ clusterId: s.usage.cluster_id, era: s.usage.era, params: s.params, events: s.events, ...(withUsage ? { usage: s.usage } : {}) })
}
const party = (r: Reconciliation, role: string, index = 0) => r.parties.filter((p) => p.role === role)[index]!
const amount = (value: unknown) => BigInt(value as string)

describe('reconcileEra on the generated scenarios', () => {
  it.each(SCENARIOS)('%s has the verdict it was built for, in the spec result shape', (name) => {
    const result = run(name)
    expect(result.verdict).toBe(loadScenario(name).expected.verdict)
    const json = reconcileResultSchema.parse(reconciliationJson(result))
    expect(json.conservation.expected_dust).toBe(result.conservation.expectedDust.toString())
  })

  it('balanced: every party matches, dust equals expected_dust to the planck, quorum 4 of 5, closed', () => {
    const r = run('balanced')
    expect(r.parties.map((p) => p.role)).toEqual(['customer', 'customer', 'customer', 'treasury', 'validators', 'cluster_reserve', 'provider', 'provider'])
    expect(r.parties.every((p) => p.difference === 0n && p.ok)).toBe(true)
    const c = r.conservation
    expect(c.dust).toBe(c.collected - c.profits - c.fees)
    expect(c.dust).toBe(c.expectedDust)
    expect(c.undistributed).toBe(0n)
    expect(c.holds).toBe(true)
    expect(r.quorum).toEqual({ validators: 5, committed: 4, holds: true })
    expect(r.closed).toBe(true)
  })

  it("providers are paid on expected charges: indebted customers' shares are advanced from the shared vault, dust is negative and expected", () => {
    const r = run('partial-indebted')
    const balanced = run('balanced')
    expect(r.verdict).toBe('balanced')
    const partial = party(r, 'customer', 1)
    expect(partial.reason).toMatch(/^charged partially \(\d+ of \d+\); indebted customer \(\d+ recorded as debt\)$/)
    expect(partial.difference).toBe(0n)
    const nothing = party(r, 'customer', 2)
    expect(nothing.reason).toMatch(/^charged nothing: indebted customer/)
    expect(nothing.difference).toBe(0n)
    expect(r.conservation.collected).toBeLessThan(balanced.conservation.collected)
    // same usage, same cluster costs: the debts do not lower what providers are owed, and they are paid in full
    for (const i of [0, 1]) {
      expect(party(r, 'provider', i).expected).toBe(party(balanced, 'provider', i).expected)
      expect(party(r, 'provider', i).difference).toBe(0n)
    }
    expect(r.conservation.profits).toBe(balanced.conservation.profits)
    expect(r.conservation.dust).toBeLessThan(0n)
    expect(r.conservation.dust).toBe(r.conservation.expectedDust)
    expect(r.conservation.holds).toBe(true)
  })

  it('a vault that cannot advance the debts pays providers short: NotDistributedReward, undistributed, conservation broken', () => {
    const r = run('vault-short')
    expect(r.verdict).toBe('discrepancies')
    const events = loadScenario('vault-short').events
    const notDistributed = events.filter((e) => e.method === 'NotDistributedReward')
    expect(notDistributed).toHaveLength(2)
    let short = 0n
    for (const i of [0, 1]) {
      const p = party(r, 'provider', i)
      expect(p.difference).toBeLessThan(0n)
      expect(p.reason).toMatch(/the shared payout vault paid \d+ short \(NotDistributedReward/)
      short -= p.difference
    }
    expect(r.conservation.undistributed).toBe(short)
    expect(r.conservation.holds).toBe(false)
    // the vault paid all it held beyond the existential deposit: the 1 CERE it carried from earlier eras
    expect(r.conservation.dust - r.conservation.expectedDust).toBe(short)
    expect(r.conservation.dust).toBe(-10_000_000_000n)
  })

  it('a silent vault shortfall (≤ MaxDust, no NotDistributedReward) is a provider difference with that reason', () => {
    const s = loadScenario('silent-shortfall')
    expect(s.events.some((e) => e.method === 'NotDistributedReward')).toBe(false)
    const r = run('silent-shortfall')
    expect(r.verdict).toBe('discrepancies')
    const last = party(r, 'provider', 1)
    expect(last.difference).toBe(-40_000n)
    expect(last.reason).toBe('the shared payout vault paid 40000 short, within MaxDust (100000): no NotDistributedReward')
    expect(party(r, 'provider', 0).difference).toBe(0n)
    expect(r.conservation.undistributed).toBe(40_000n)
    expect(r.conservation.dust - r.conservation.expectedDust).toBe(40_000n)
    expect(r.conservation.holds).toBe(false)
  })

  it('a shortfall above MaxDust without NotDistributedReward is not what the runtime emits', () => {
    const s = loadScenario('vault-short')
    const r = run('vault-short', { events: s.events.filter((e) => e.method !== 'NotDistributedReward') })
    expect(party(r, 'provider', 1).reason).toMatch(/paid \d+ short with no NotDistributedReward \(the runtime emits one above MaxDust 100000\)/)
    expect(party(r, 'provider', 1).ok).toBe(false)
  })

  it('a failed charge: ChargeError, then Indebted for the whole amount; the share is still paid to providers', () => {
    const r = run('charge-error')
    expect(r.verdict).toBe('balanced')
    const failed = party(r, 'customer', 0)
    expect(failed.reason).toMatch(/^charge failed \(ChargeError\): \d+ recorded as debt$/)
    expect(failed.difference).toBe(0n)
    const events = loadScenario('charge-error').events.filter((e) => e.section === 'ddcPayouts' && e.data['customer_id'] === failed.id).map((e) => e.method)
    expect(events).toEqual(['ChargeError', 'Indebted'])
    expect(r.conservation.dust).toBeLessThan(0n)
    expect(r.conservation.holds).toBe(true)
  })

  it('Indebted precedes ChargedPartially: the other order is named and is a discrepancy', () => {
    const s = loadScenario('partial-indebted')
    const debt = s.events.find((e) => e.method === 'Indebted')!
    const partial = s.events.find((e) => e.method === 'ChargedPartially')!
    expect([debt.block, debt.index + 1]).toEqual([partial.block, partial.index]) // Indebted right before, in the fixture
    const swapped = s.events.map((e) => (e === debt ? { ...e, index: partial.index } : e === partial ? { ...e, index: debt.index } : e))
    const r = run('partial-indebted', { events: swapped })
    const line = party(r, 'customer', 1)
    expect(line.difference).toBe(0n)
    expect(line.ok).toBe(false)
    expect(line.reason).toMatch(/ChargedPartially without an Indebted before it \(the runtime emits Indebted first\)/)
    expect(r.verdict).toBe('discrepancies')
  })

  it('an Indebted whose amount is not expected − charged is named', () => {
    const s = loadScenario('partial-indebted')
    const events = s.events.map((e) => (e.method === 'Indebted' && e === s.events.find((x) => x.method === 'Indebted') ? { ...e, data: { ...e.data, amount: (amount(e.data['amount']) - 1n).toString() } } : e))
    const line = party(run('partial-indebted', { events }), 'customer', 1)
    expect(line.reason).toMatch(/Indebted \d+ before ChargedPartially, but \d+ − \d+ = \d+/)
    expect(line.difference).toBe(-1n)
  })

  it('an over-rewarded provider: +1,000,000 planck, dust 1,000,000 below expected_dust', () => {
    const r = run('over-rewarded')
    const provider = party(r, 'provider', 0)
    expect(provider.difference).toBe(1_000_000n)
    expect(provider.reason).toMatch(/over-rewarded/)
    expect(provider.reason).toMatch(/the chain expected to reward/)
    expect(r.conservation.dust).toBe(r.conservation.expectedDust - 1_000_000n)
    expect(r.conservation.holds).toBe(false)
    expect(party(r, 'provider', 1).difference).toBe(0n)
  })

  it('a provider paid short although the vault held its reward: NotDistributedReward, undistributed', () => {
    const r = run('undistributed')
    const provider = party(r, 'provider', 1)
    expect(provider.actual).toBe(1_000n)
    expect(provider.reason).toMatch(/the shared payout vault paid \d+ short \(NotDistributedReward/)
    expect(r.conservation.undistributed).toBe(provider.expected - 1_000n)
    expect(r.conservation.holds).toBe(false)
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

  it('no quorum: 2 of 5 is below the threshold of 3; 3 of 5 reaches it', () => {
    expect(run('no-quorum').quorum).toEqual({ validators: 5, committed: 2, holds: false })
    expect(run('quorum-3-of-5').quorum).toEqual({ validators: 5, committed: 3, holds: true })
    expect(run('quorum-3-of-5').verdict).toBe('balanced')
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

  it("fee shares that change between eras: era 413 balances with its own params, not with era 412's", () => {
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
    // what the vault could not pay is still caught: conservation compares the rewards with their own expected_to_reward
    const short = run('silent-shortfall', {}, false)
    expect(short.verdict).toBe('discrepancies')
    expect(short.conservation.holds).toBe(false)
    expect(party(short, 'provider', 1).difference).toBe(-40_000n)
  })

  it('ignores events of other clusters and eras', () => {
    const s = loadScenario('balanced')
    const other = s.events.map((e) => ({ ...e, data: { ...e.data, ...('era' in e.data ? { era: 999 } : {}), ...('era_id' in e.data ? { era_id: 999 } : {}) } }))
    const r = reconcileEra({ clusterId: s.usage.cluster_id, era: 412, params: s.params, events: [...other], usage: s.usage })
    expect(r.verdict).toBe('incomplete')
    expect(r.conservation.collected).toBe(0n)
  })

  it('the same event twice (identical block and index) is refused, never summed', () => {
    const s = loadScenario('balanced')
    const charged = s.events.find((e) => e.method === 'Charged' && e.section === 'ddcPayouts')!
    const error = (() => {
      try {
        run('balanced', { events: [...s.events, { ...charged, line: 99 }] })
      } catch (e) {
        return e
      }
      return undefined
    })() as BridgeError
    expect(error).toBeInstanceOf(BridgeError)
    expect(error.code).toBe('EVENTS_REPEATED')
    expect(error.kind).toBe('input')
    expect(error.shortMessage).toBe(`line 99 repeats block ${charged.block} event ${charged.index}, already read at line ${charged.line}`)
  })
})

describe('validator_scores: each staker checked to the planck (spec rule 7)', () => {
  it("every staker's ValidatorRewarded equals from_rational(score, total) × the validators fee, zero included", () => {
    const r = run('validator-scores')
    const stakers = r.parties.filter((p) => p.role === 'validators' && p.id !== 'validators')
    const scores = loadScenario('validator-scores').params.validator_scores!
    expect(stakers.map((p) => p.id)).toEqual([...scores.keys()])
    expect(stakers.every((p) => p.ok)).toBe(true)
    const zero = stakers.find((p) => scores.get(p.id) === 0n)!
    expect([zero.expected, zero.actual]).toEqual([0n, 0n])
    expect(zero.reason).toBe(`stake score 0 of ${[...scores.values()].reduce((a, b) => a + b, 0n)}; rewarded its share`)
    // the fee event carries the full fee; the rounded parts need not add up to it
    const fee = party(r, 'validators')
    expect(fee.id).toBe('validators')
    expect(fee.difference).toBe(0n)
    expect(fee.reason).toMatch(/7 stakers rewarded \d+ in total \(each checked below\)/)
  })

  it('one planck off for one staker is a discrepancy on that staker', () => {
    const s = loadScenario('validator-scores')
    const target = s.events.find((e) => e.method === 'ValidatorRewarded')!
    const events = s.events.map((e) => (e === target ? { ...e, data: { ...e.data, amount: (amount(e.data['amount']) + 1n).toString() } } : e))
    const r = run('validator-scores', { events })
    const line = r.parties.find((p) => p.id === target.data['validator_id'])!
    expect(line.difference).toBe(1n)
    expect(line.reason).toMatch(/rewarded above its share/)
    expect(r.verdict).toBe('discrepancies')
  })

  it("a zero-score staker's missing ValidatorRewarded is a discrepancy (the runtime emits one for every staker)", () => {
    const s = loadScenario('validator-scores')
    const zero = [...s.params.validator_scores!].find(([, score]) => score === 0n)![0]
    const r = run('validator-scores', { events: s.events.filter((e) => !(e.method === 'ValidatorRewarded' && e.data['validator_id'] === zero)) })
    const line = r.parties.find((p) => p.id === zero)!
    expect(line.difference).toBe(0n)
    expect(line.ok).toBe(false)
    expect(line.reason).toMatch(/missing event: no ValidatorRewarded for this staker/)
    expect(r.verdict).toBe('discrepancies')
  })

  it('a ValidatorRewarded after ValidatorFeesCollected is named', () => {
    const s = loadScenario('validator-scores')
    const target = s.events.find((e) => e.method === 'ValidatorRewarded')!
    const r = run('validator-scores', { events: s.events.map((e) => (e === target ? { ...e, index: 50 } : e)) })
    expect(r.parties.find((p) => p.id === target.data['validator_id'])!.reason).toMatch(/ValidatorRewarded after ValidatorFeesCollected/)
    expect(r.verdict).toBe('discrepancies')
    // without scores, the fee line names it
    const without = run('balanced', { events: loadScenario('balanced').events.map((e) => (e.method === 'ValidatorRewarded' && e.index === target.index ? { ...e, index: 50 } : e)) })
    expect(party(without, 'validators').reason).toMatch(/1 ValidatorRewarded after ValidatorFeesCollected/)
  })

  it('an account rewarded that is not in validator_scores is a discrepancy', () => {
    const s = loadScenario('validator-scores')
    const scores = new Map(s.params.validator_scores!)
    const dropped = [...scores.keys()][0]!
    scores.delete(dropped)
    const r = run('validator-scores', { params: { ...s.params, validator_scores: scores } })
    const line = r.parties.find((p) => p.id === dropped)!
    expect(line.expected).toBe(0n)
    expect(line.reason).toMatch(/^not a staker in validator_scores/)
    expect(r.verdict).toBe('discrepancies')
  })
})
