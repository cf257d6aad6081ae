import { describe, expect, it } from 'vitest'
import { clusterParamsSchema } from '../../../src/schema/settlement.ts'
import { chargedCosts, customerCosts, totalCost } from '../../../src/settlement/era-costs.ts'
import { eraFees, providerReward } from '../../../src/settlement/provider-reward.ts'

const params = clusterParamsSchema.parse({
  treasury_share: '333333333333333333', // one third, truncated
  validators_share: '0',
  cluster_reserve_share: '0',
  unit_per_mb_stored: '1000',
  unit_per_mb_streamed: '7',
  unit_per_put_request: '3',
  unit_per_get_request: '2',
  validators: [],
})
const usage = (transferred: bigint, stored: bigint, puts: bigint, gets: bigint) => ({ transferred_bytes: transferred, stored_bytes: stored, number_of_puts: puts, number_of_gets: gets })

describe('customer costs (hand-computed)', () => {
  it('floors transfer, prorates storage by from_rational(era, 2,630,016) and rounds it to nearest', () => {
    const costs = customerCosts(usage(3n * 1_048_576n + 1n, 5n * 1_048_576n + 12_345n, 4n, 10n), params, 86_400n)
    // transfer: floor(3,145,729 × 7 / 2^20) = floor(21.0000067) = 21
    expect(costs.transfer).toBe(21n)
    // storage: base floor(5,255,225 × 1000 / 2^20) = 5011; ratio floor(86400e18 / 2630016) = 32851511169513797;
    // 5011 × 0.032851511169513797 = 164.6189… → 165
    expect(costs.storage).toBe(165n)
    expect(costs.puts).toBe(12n)
    expect(costs.gets).toBe(20n)
    expect(totalCost(costs)).toBe(218n)
  })
  it('charges storage for a whole period when the era is longer than it (ratio saturates at one)', () => {
    expect(customerCosts(usage(0n, 1_048_576n, 0n, 0n), params, 3_000_000n).storage).toBe(1000n)
  })
  it('chargedCosts (older billing-report generation only) scales a partially charged customer per dimension', () => {
    const costs = { transfer: 10n, storage: 5n, puts: 3n, gets: 1n }
    // ratio from_rational(5, 20) = 0.25: 2.5 → 2 (tie down), 1.25 → 1, 0.75 → 1, 0.25 → 0
    expect(chargedCosts(costs, 5n, 20n)).toEqual({ transfer: 2n, storage: 1n, puts: 1n, gets: 0n })
    expect(chargedCosts(costs, 19n, 19n)).toBe(costs)
    expect(chargedCosts(costs, 0n, 19n)).toEqual({ transfer: 0n, storage: 0n, puts: 0n, gets: 0n })
  })
})

describe('provider rewards and fees (hand-computed, rounding at the planck)', () => {
  const cluster = usage(10n, 0n, 0n, 0n)
  const clusterCosts = { transfer: 10n, storage: 0n, puts: 0n, gets: 0n }
  it('a sole provider gets the whole cost less the fee shares', () => {
    // reward 10; treasury 0.333… × 10 = 3.33 → 3; profit 7
    expect(providerReward(usage(10n, 0n, 0n, 0n), cluster, clusterCosts, params)).toEqual({ reward: 10n, profit: 7n })
  })
  it('two equal providers: each fee rounds up, so one planck of dust stays', () => {
    // each: ratio 1/2 × 10 = 5; fee 0.333… × 5 = 1.67 → 2; profit 3. Era fee 0.333… × 10 = 3.33 → 3. 10 − 6 − 3 = 1
    const each = providerReward(usage(5n, 0n, 0n, 0n), cluster, clusterCosts, params)
    expect(each).toEqual({ reward: 5n, profit: 3n })
    expect(eraFees(params, 10n)).toEqual({ treasury: 3n, validators: 0n, cluster_reserve: 0n })
  })
  it('a dimension the cluster did not use gives its whole (zero) cost: from_rational(0, 0) is one', () => {
    expect(providerReward(usage(0n, 0n, 0n, 0n), usage(0n, 0n, 0n, 0n), { transfer: 0n, storage: 0n, puts: 0n, gets: 0n }, params)).toEqual({ reward: 0n, profit: 0n })
  })
})
