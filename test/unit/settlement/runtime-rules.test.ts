import { describe, expect, it } from 'vitest'
import { toCereAddress } from '../../../src/crypto/ss58.ts'
import type { ClusterParams, EraUsage } from '../../../src/schema/settlement.ts'
import { customerCosts, totalCost } from '../../../src/settlement/era-costs.ts'
import type { LocatedEvent } from '../../../src/settlement/event-lines.ts'
import { eraFees, providerReward } from '../../../src/settlement/provider-reward.ts'
import { reconcileEra } from '../../../src/settlement/reconcile.ts'
import { validatorRewards } from '../../../src/settlement/validator-rewards.ts'

// Rules checked against the payout-receipt generation of pallets/ddc-payouts (Cerebellum-Network/blockchain-node) and
// spec/era-reconciliation.md: the cluster costs providers are rewarded from are the sums of the customers' expected
// charges (a partial charge does not scale them), a customer whose deposit allowed nothing gets only `Indebted` (no
// `ChargedPartially`), dust is signed, and the validators' fee is split by stake score.

const CLUSTER = `0x${'11'.repeat(20)}` as const
const ERA = 7
const id = (n: number) => toCereAddress(new Uint8Array(32).fill(n))
const [C0, C1, P0] = [id(1), id(2), id(3)]
const PARAMS: ClusterParams = {
  treasury_share: 10_000_000_000_000_000n,
  validators_share: 5_000_000_000_000_000n,
  cluster_reserve_share: 20_000_000_000_000_000n,
  unit_per_mb_stored: 10_000_000n,
  unit_per_mb_streamed: 20_000_000n,
  unit_per_put_request: 500n,
  unit_per_get_request: 100n,
  validators: [],
}
const dims = (n: bigint) => ({ transferred_bytes: n * 3_000_000n, stored_bytes: n * 7_000_000n, number_of_puts: n * 11n, number_of_gets: n * 13n })
const USAGE: EraUsage = { cluster_id: CLUSTER, era: ERA, start: 0, end: 86_400, customers: [{ id: C0, ...dims(5n) }, { id: C1, ...dims(3n) }], providers: [{ id: P0, ...dims(8n) }] }

let index = 0
const ev = (section: string, method: string, data: Record<string, unknown>): LocatedEvent => ({ block: 1, index: index++, section, method, data: { cluster_id: CLUSTER, ...data } })

describe('reconciliation follows the runtime on partial charges', () => {
  it("rewards providers from the customers' computed costs, not from what a partial charge collected", () => {
    const charge0 = totalCost(customerCosts(USAGE.customers[0]!, PARAMS, 86_400n))
    const charge1 = totalCost(customerCosts(USAGE.customers[1]!, PARAMS, 86_400n))
    const charged1 = charge1 / 3n
    const full = customerCosts(USAGE.customers[0]!, PARAMS, 86_400n)
    const other = customerCosts(USAGE.customers[1]!, PARAMS, 86_400n)
    const clusterCosts = { transfer: full.transfer + other.transfer, storage: full.storage + other.storage, puts: full.puts + other.puts, gets: full.gets + other.gets }
    const { profit } = providerReward(USAGE.providers[0]!, USAGE.providers[0]!, clusterCosts, PARAMS)
    const result = reconcileEra({
      clusterId: CLUSTER,
      era: ERA,
      params: PARAMS,
      usage: USAGE,
      events: [
        ev('ddcPayouts', 'Charged', { era: ERA, batch_index: 0, customer_id: C0, amount: charge0.toString() }),
        ev('ddcPayouts', 'Indebted', { era: ERA, batch_index: 0, customer_id: C1, amount: (charge1 - charged1).toString() }),
        ev('ddcPayouts', 'ChargedPartially', { era: ERA, batch_index: 0, customer_id: C1, charged: charged1.toString(), expected_to_charge: charge1.toString() }),
      ],
    })
    const provider = result.parties.find((p) => p.role === 'provider')!
    expect(provider.expected).toBe(profit)
    expect(result.conservation.collected).toBe(charge0 + charged1)
  })

  it('a customer charged nothing (only `Indebted`) owes its whole charge: no difference, with or without usage', () => {
    const charge1 = totalCost(customerCosts(USAGE.customers[1]!, PARAMS, 86_400n))
    const charge0 = totalCost(customerCosts(USAGE.customers[0]!, PARAMS, 86_400n))
    const events = [
      ev('ddcPayouts', 'Charged', { era: ERA, batch_index: 0, customer_id: C0, amount: charge0.toString() }),
      ev('ddcPayouts', 'Indebted', { era: ERA, batch_index: 0, customer_id: C1, amount: charge1.toString() }),
    ]
    const withUsage = reconcileEra({ clusterId: CLUSTER, era: ERA, params: PARAMS, usage: USAGE, events })
    const line = withUsage.parties.find((p) => p.id === C1)!
    expect(line.difference).toBe(0n)
    expect(line.reason).toMatch(/charged nothing/)
    expect(line.reason).not.toMatch(/the chain expected to charge/)
    const chainOnly = reconcileEra({ clusterId: CLUSTER, era: ERA, params: PARAMS, events })
    const own = chainOnly.parties.find((p) => p.id === C1)!
    expect(own.expected).toBe(charge1)
    expect(own.difference).toBe(0n)
    expect(eraFees(PARAMS, charge0).treasury).toBe(chainOnly.parties.find((p) => p.role === 'treasury')!.expected)
  })
})

describe('the older "billing report" generation of the pallet', () => {
  it('reads NotDistributedOverallReward with its older field name total_distributed_reward, and ChargeFailed as a partial charge', () => {
    const events = [
      ev('ddcPayouts', 'Indebted', { era: ERA, batch_index: 0, customer_id: C0, amount: '600' }),
      ev('ddcPayouts', 'ChargeFailed', { era: ERA, batch_index: 0, customer_id: C0, charged: '400', expected_to_charge: '1000' }),
      ev('ddcPayouts', 'Rewarded', { era: ERA, batch_index: 0, node_provider_id: P0, rewarded: '300', expected_to_reward: '300' }),
      ev('ddcPayouts', 'NotDistributedOverallReward', { era: ERA, expected_reward: '400', total_distributed_reward: '300' }),
      ev('ddcPayouts', 'BillingReportFinalized', { era: ERA }),
      ev('ddcClusters', 'ClusterEraPaid', { era_id: ERA }),
    ]
    const result = reconcileEra({ clusterId: CLUSTER, era: ERA, params: { ...PARAMS, treasury_share: 0n, validators_share: 0n, cluster_reserve_share: 0n }, events })
    // the 100 left in the vault is dust (collected − rewarded − fees), and the rewards expected it: conservation holds
    expect(result.conservation).toMatchObject({ collected: 400n, profits: 300n, fees: 0n, undistributed: 0n, dust: 100n, expectedDust: 100n, holds: true })
    expect(result.parties.find((p) => p.id === C0)!.difference).toBe(0n)
  })
})

describe('round integrity', () => {
  it('counts the quorum against the validator set in force when the payout began, not one announced afterwards', () => {
    const [V1, V2, V3, V4] = [id(11), id(12), id(13), id(14)]
    const roots = { payers_merkle_root: `0x${'aa'.repeat(32)}`, payees_merkle_root: `0x${'bb'.repeat(32)}` }
    const at = (block: number, event: LocatedEvent): LocatedEvent => ({ ...event, block })
    const events = [
      at(1, { block: 1, index: 0, section: 'ddcVerification', method: 'ValidatorsSetUpdated', data: { validators: [V1, V2, V3] } }),
      at(2, ev('ddcPayouts', 'PayoutFingerprintCommited', { validator_id: V1, era_id: ERA, ...roots })),
      at(2, ev('ddcPayouts', 'PayoutFingerprintCommited', { validator_id: V2, era_id: ERA, ...roots })),
      at(3, ev('ddcPayouts', 'PayoutInitialized', { era: ERA })),
      at(9, { block: 9, index: 0, section: 'ddcVerification', method: 'ValidatorsSetUpdated', data: { validators: [V1, V2, V3, V4] } }),
    ]
    const result = reconcileEra({ clusterId: CLUSTER, era: ERA, params: PARAMS, events })
    // 2 of the 3 in force reach the threshold (67% of 3 = 2.01 → 2); 2 of the later 4 would not (2.68 → 3)
    expect(result.quorum).toEqual({ validators: 3, committed: 2, holds: true })
    const late = reconcileEra({ clusterId: CLUSTER, era: ERA, params: { ...PARAMS, validators: [V1, V2, V3, V4] }, events })
    expect(late.quorum).toEqual({ validators: 4, committed: 2, holds: false })
  })
})

describe('the params file', () => {
  it('refuses a fee share above one (a Perquintill holds at most 10^18 parts; the runtime would not decode it), naming the field', async () => {
    const { clusterParamsSchema } = await import('../../../src/schema/settlement.ts')
    const base = { treasury_share: '0', validators_share: '0', cluster_reserve_share: '0', unit_per_mb_stored: '1', unit_per_mb_streamed: '1', unit_per_put_request: '1', unit_per_get_request: '1', validators: [] }
    expect(clusterParamsSchema.safeParse({ ...base, treasury_share: '1000000000000000000' }).success).toBe(true)
    const parsed = clusterParamsSchema.safeParse({ ...base, validators_share: '1000000000000000001' })
    expect(parsed.success).toBe(false)
    expect(parsed.error!.issues[0]!.path).toEqual(['validators_share'])
    expect(parsed.error!.issues[0]!.message).toMatch(/at most 10\^18/)
  })
})

describe('dust is signed: rounding moves it either way, and conservation compares it with expected_dust', () => {
  const NO_FEES = { ...PARAMS, treasury_share: 0n, validators_share: 0n, cluster_reserve_share: 0n, unit_per_put_request: 2n }
  const puts = (n: bigint) => ({ transferred_bytes: 0n, stored_bytes: 0n, number_of_puts: n, number_of_gets: 0n })
  const [P1, P2] = [id(4), id(5)]
  it('three equal providers of a 2-planck era are each paid round(2/3) = 1: dust −1, as expected', () => {
    const usage: EraUsage = { cluster_id: CLUSTER, era: ERA, start: 0, end: 86_400, customers: [{ id: C0, ...puts(1n) }], providers: [P0, P1, P2].map((p) => ({ id: p, ...puts(1n) })) }
    const events = [
      ev('ddcPayouts', 'Charged', { era: ERA, batch_index: 0, customer_id: C0, amount: '2' }),
      ...[P0, P1, P2].map((p) => ev('ddcPayouts', 'Rewarded', { era: ERA, batch_index: 0, node_provider_id: p, rewarded: '1', expected_to_reward: '1' })),
      ev('ddcClusters', 'ClusterEraPaid', { era_id: ERA }),
    ]
    const result = reconcileEra({ clusterId: CLUSTER, era: ERA, params: NO_FEES, usage, events })
    expect(result.parties.filter((p) => p.role === 'provider').map((p) => p.expected)).toEqual([1n, 1n, 1n])
    expect(result.conservation).toMatchObject({ collected: 2n, profits: 3n, dust: -1n, expectedDust: -1n, holds: true })
    // one planck more than the arithmetic says breaks it, even when the chain expected it
    const more = events.map((e) => (e.method === 'Rewarded' && e.data['node_provider_id'] === P2 ? { ...e, data: { ...e.data, rewarded: '2', expected_to_reward: '2' } } : e))
    expect(reconcileEra({ clusterId: CLUSTER, era: ERA, params: NO_FEES, usage, events: more }).conservation).toMatchObject({ dust: -2n, expectedDust: -1n, holds: false })
  })
  it('two equal providers of a 3-planck era are each paid round(1.5) = 1 (ties down): dust +1, as expected', () => {
    const usage: EraUsage = { cluster_id: CLUSTER, era: ERA, start: 0, end: 86_400, customers: [{ id: C0, ...puts(1n) }], providers: [P0, P1].map((p) => ({ id: p, ...puts(1n) })) }
    const params = { ...NO_FEES, unit_per_put_request: 3n }
    const events = [
      ev('ddcPayouts', 'Charged', { era: ERA, batch_index: 0, customer_id: C0, amount: '3' }),
      ...[P0, P1].map((p) => ev('ddcPayouts', 'Rewarded', { era: ERA, batch_index: 0, node_provider_id: p, rewarded: '1', expected_to_reward: '1' })),
      ev('ddcClusters', 'ClusterEraPaid', { era_id: ERA }),
    ]
    expect(reconcileEra({ clusterId: CLUSTER, era: ERA, params, usage, events }).conservation).toMatchObject({ dust: 1n, expectedDust: 1n, holds: true })
  })
})

describe("the validators' fee, split by stake score", () => {
  const [S1, S2, S3] = [id(21), id(22), id(23)]
  it('from_rational(score, total) × fee, rounded to nearest; the parts need not add up to the fee', () => {
    const parts = validatorRewards(new Map([[S1, 1n], [S2, 1n], [S3, 1n]]), 10n)
    expect([...parts.values()]).toEqual([3n, 3n, 3n])
    expect(validatorRewards(new Map([[S1, 3n], [S2, 1n], [S3, 0n]]), 1000n)).toEqual(new Map([[S1, 750n], [S2, 250n], [S3, 0n]]))
    // from_rational(_, 0) is one: with every score 0, each staker is owed the whole fee
    expect([...validatorRewards(new Map([[S1, 0n], [S2, 0n]]), 10n).values()]).toEqual([10n, 10n])
  })
  it('the fee event carries the full fee: 10 collected as a fee, 9 paid out in parts, each staker and the fee balanced', () => {
    const params = { ...PARAMS, treasury_share: 0n, cluster_reserve_share: 0n, validators_share: 10n ** 17n, validator_scores: new Map([[S1, 1n], [S2, 1n], [S3, 1n]]) }
    const events = [
      ev('ddcPayouts', 'Charged', { era: ERA, batch_index: 0, customer_id: C0, amount: '100' }),
      ...[S1, S2, S3].map((s) => ev('ddcPayouts', 'ValidatorRewarded', { era: ERA, validator_id: s, amount: '3' })),
      ev('ddcPayouts', 'ValidatorFeesCollected', { era: ERA, amount: '10' }),
      ev('ddcPayouts', 'Rewarded', { era: ERA, batch_index: 0, node_provider_id: P0, rewarded: '90', expected_to_reward: '90' }),
      ev('ddcClusters', 'ClusterEraPaid', { era_id: ERA }),
    ]
    const result = reconcileEra({ clusterId: CLUSTER, era: ERA, params, events })
    expect(result.parties.filter((p) => p.role === 'validators').map((p) => [p.id, p.expected, p.actual, p.ok])).toEqual([
      ['validators', 10n, 10n, true],
      [S1, 3n, 3n, true],
      [S2, 3n, 3n, true],
      [S3, 3n, 3n, true],
    ])
    expect(result.conservation).toMatchObject({ fees: 10n, dust: 0n, expectedDust: 0n, holds: true })
    expect(result.parties.every((p) => p.ok)).toBe(true)
  })
  it('without scores, parts that do not add up to the fee within rounding are named', () => {
    const events = [
      ev('ddcPayouts', 'Charged', { era: ERA, batch_index: 0, customer_id: C0, amount: '100' }),
      ...[S1, S2].map((s) => ev('ddcPayouts', 'ValidatorRewarded', { era: ERA, validator_id: s, amount: '1' })),
      ev('ddcPayouts', 'ValidatorFeesCollected', { era: ERA, amount: '10' }),
    ]
    const params = { ...PARAMS, treasury_share: 0n, cluster_reserve_share: 0n, validators_share: 10n ** 17n }
    const fee = reconcileEra({ clusterId: CLUSTER, era: ERA, params, events }).parties.find((p) => p.id === 'validators')!
    expect(fee.ok).toBe(false)
    expect(fee.reason).toMatch(/the stakers' parts add up to 2, not the fee 10 to within rounding \(3\)/)
  })
})

describe('a failed charge', () => {
  it('ChargeError without the Indebted the runtime emits after it is named', () => {
    const events = [ev('ddcPayouts', 'ChargeError', { era: ERA, batch_index: 0, customer_id: C0, amount: '500', error: { module: { index: 36, error: '0x03000000' } } })]
    const line = reconcileEra({ clusterId: CLUSTER, era: ERA, params: PARAMS, events }).parties.find((p) => p.id === C0)!
    expect(line.ok).toBe(false)
    expect(line.reason).toMatch(/ChargeError for 500 with no Indebted after it/)
    expect(line.reason).toMatch(/500 neither charged nor recorded as debt/)
  })
})
