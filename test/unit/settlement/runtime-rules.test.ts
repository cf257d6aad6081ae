import { describe, expect, it } from 'vitest'
import { toCereAddress } from '../../../src/crypto/ss58.ts'
import type { ClusterParams, EraUsage } from '../../../src/schema/settlement.ts'
import { customerCosts, totalCost } from '../../../src/settlement/era-costs.ts'
import type { LocatedEvent } from '../../../src/settlement/event-lines.ts'
import { eraFees, providerReward } from '../../../src/settlement/provider-reward.ts'
import { reconcileEra } from '../../../src/settlement/reconcile.ts'

// Rules checked against the payout-receipt generation of pallets/ddc-payouts (Cerebellum-Network/blockchain-node):
// the cluster costs providers are rewarded from are the sums of the customers' computed costs (a partial charge does
// not scale them), and a customer whose deposit allowed nothing gets only `Indebted` (no `ChargedPartially`).

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
    expect(result.conservation).toMatchObject({ collected: 400n, profits: 300n, fees: 0n, undistributed: 100n, dust: 0n, holds: true })
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
    expect(result.quorum).toEqual({ validators: 3, committed: 2, holds: false })
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
