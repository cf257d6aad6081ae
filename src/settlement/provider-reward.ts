import type { ClusterParams, UsageDimensions } from '../schema/settlement.ts'
import type { DimensionCosts } from './era-costs.ts'
import { perquintillFromRational, perquintillMul } from './perquintill.ts'

/** A provider's reward for an era and the profit it is paid after the three fee shares. */
export type ProviderReward = { reward: bigint; profit: bigint }

/**
 * A provider's reward (spec step 4): per dimension from_rational(provided, cluster usage) × cluster cost,
 * summed; profit = reward − treasury_share × reward − validators_share × reward − cluster_reserve_share × reward.
 * @example providerReward(provider, clusterUsage, clusterCosts, params).profit
 */
export function providerReward(provided: UsageDimensions, cluster: UsageDimensions, clusterCosts: DimensionCosts, params: ClusterParams): ProviderReward {
  const reward =
    perquintillMul(perquintillFromRational(provided.transferred_bytes, cluster.transferred_bytes), clusterCosts.transfer) +
    perquintillMul(perquintillFromRational(provided.stored_bytes, cluster.stored_bytes), clusterCosts.storage) +
    perquintillMul(perquintillFromRational(provided.number_of_puts, cluster.number_of_puts), clusterCosts.puts) +
    perquintillMul(perquintillFromRational(provided.number_of_gets, cluster.number_of_gets), clusterCosts.gets)
  const profit =
    reward -
    perquintillMul(params.treasury_share, reward) -
    perquintillMul(params.validators_share, reward) -
    perquintillMul(params.cluster_reserve_share, reward)
  return { reward, profit }
}

/** The three era fees on the total collected (spec step 3). */
export type EraFees = { treasury: bigint; validators: bigint; cluster_reserve: bigint }

/**
 * The era's fees: each share × the total collected, rounded to nearest (ties down).
 * @example eraFees(params, 1_000_000n).treasury
 */
export function eraFees(params: ClusterParams, collected: bigint): EraFees {
  return {
    treasury: perquintillMul(params.treasury_share, collected),
    validators: perquintillMul(params.validators_share, collected),
    cluster_reserve: perquintillMul(params.cluster_reserve_share, collected),
  }
}
