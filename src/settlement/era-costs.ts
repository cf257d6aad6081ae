import type { ClusterParams, UsageDimensions } from '../schema/settlement.ts'
import { perquintillFromRational, perquintillMul } from './perquintill.ts'

/** One megabyte as the runtime counts it: 2^20 bytes. */
export const BYTES_PER_MB = 1n << 20n
/** The storage price is per this many seconds (about a month): storage cost is scaled by era length / it. */
export const STORAGE_PERIOD_SECONDS = 2_630_016n

/** What a customer owes for an era, per priced dimension, in planck. */
export type DimensionCosts = { transfer: bigint; storage: bigint; puts: bigint; gets: bigint }

/**
 * A customer's charge for an era, per dimension, with the runtime's rounding (spec step 1).
 * Storage is prorated by from_rational(end − start, 2,630,016), rounded down, times the floored price.
 * @example customerCosts(usage, params, 86_400n).transfer
 */
export function customerCosts(usage: UsageDimensions, params: ClusterParams, eraSeconds: bigint): DimensionCosts {
  const storagePeriod = perquintillFromRational(eraSeconds, STORAGE_PERIOD_SECONDS)
  return {
    transfer: (usage.transferred_bytes * params.unit_per_mb_streamed) / BYTES_PER_MB,
    storage: perquintillMul(storagePeriod, (usage.stored_bytes * params.unit_per_mb_stored) / BYTES_PER_MB),
    puts: usage.number_of_puts * params.unit_per_put_request,
    gets: usage.number_of_gets * params.unit_per_get_request,
  }
}

/**
 * The sum of the four dimensions: what the customer is charged (`Charged.amount` / `expected_to_charge`).
 * @example totalCost({ transfer: 1n, storage: 2n, puts: 3n, gets: 4n }) // 10n
 */
export function totalCost(costs: DimensionCosts): bigint {
  return costs.transfer + costs.storage + costs.puts + costs.gets
}

/**
 * What a partially charged customer added to the cluster's costs in the older "billing report" generation of the
 * pallet: each dimension scaled by from_rational(charged, expected). The payout-receipt generation (spec 73047, which
 * reconcileEra follows) does not scale: its cluster costs are the customers' computed costs.
 * @example chargedCosts(costs, 50n, 100n) // each dimension halved
 */
export function chargedCosts(costs: DimensionCosts, charged: bigint, expected: bigint): DimensionCosts {
  if (charged >= expected) return costs
  const ratio = perquintillFromRational(charged, expected)
  return {
    transfer: perquintillMul(ratio, costs.transfer),
    storage: perquintillMul(ratio, costs.storage),
    puts: perquintillMul(ratio, costs.puts),
    gets: perquintillMul(ratio, costs.gets),
  }
}

/**
 * Adds dimension costs: the cluster's costs are the per-dimension sums over its customers.
 * @example addCosts(a, b).transfer === a.transfer + b.transfer
 */
export function addCosts(a: DimensionCosts, b: DimensionCosts): DimensionCosts {
  return { transfer: a.transfer + b.transfer, storage: a.storage + b.storage, puts: a.puts + b.puts, gets: a.gets + b.gets }
}

/** No cost at all. */
export const ZERO_COSTS: DimensionCosts = { transfer: 0n, storage: 0n, puts: 0n, gets: 0n }

/**
 * Sums usage over parties (the cluster usage when the usage file does not give it).
 * @example sumUsage(usage.providers)
 */
export function sumUsage(parts: ReadonlyArray<UsageDimensions>): UsageDimensions {
  const total = { transferred_bytes: 0n, stored_bytes: 0n, number_of_puts: 0n, number_of_gets: 0n }
  for (const part of parts) {
    total.transferred_bytes += part.transferred_bytes
    total.stored_bytes += part.stored_bytes
    total.number_of_puts += part.number_of_puts
    total.number_of_gets += part.number_of_gets
  }
  return total
}
