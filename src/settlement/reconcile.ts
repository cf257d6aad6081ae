import type { ClusterParams, EraUsage, UsageDimensions } from '../schema/settlement.ts'
import type { PartyRole } from '../schema/settlement-result.ts'
import { addCosts, customerCosts, sumUsage, totalCost, ZERO_COSTS, type DimensionCosts } from './era-costs.ts'
import { eraChainFacts, type EraChainFacts } from './era-chain-facts.ts'
import type { LocatedEvent } from './event-lines.ts'
import { eraFees, providerReward } from './provider-reward.ts'
import { eraQuorum, type QuorumCheck } from './quorum.ts'
import { PERQUINTILL_ONE } from './perquintill.ts'

/** One party's line: what the recomputation expects, what the chain shows, and why they differ. */
export type PartyLine = { role: PartyRole; id: string; expected: bigint; actual: bigint; difference: bigint; reason: string }

/** Conservation of the era's money: collected = profits + fees + undistributed + dust, dust small and never negative. */
export type Conservation = { collected: bigint; profits: bigint; fees: bigint; undistributed: bigint; dust: bigint; holds: boolean }

export type Verdict = 'balanced' | 'discrepancies' | 'incomplete'

/** The reconciliation of one era: the spec's result, with bigint amounts, plus what is missing. */
export type Reconciliation = {
  verdict: Verdict
  parties: PartyLine[]
  conservation: Conservation
  quorum: QuorumCheck
  closed: boolean
  /** the steps of the era with no event yet (charging, fees, rewarding, closing) */
  missing: string[]
  cluster_id: string
  era: number
}

export type ReconcileInput = {
  clusterId: string
  era: number
  params: ClusterParams
  events: ReadonlyArray<LocatedEvent>
  /** the era's attested usage; without it, expectations are the chain's own figures (expected_to_charge / expected_to_reward) */
  usage?: EraUsage
}

/**
 * Recomputes an era's payouts with the runtime's rounding and compares every party with the chain's events.
 * The verdict is `balanced`, `discrepancies` or `incomplete` (spec/era-reconciliation.md).
 * @example const result = reconcileEra({ clusterId, era: 412, params, usage, events }); result.verdict
 */
export function reconcileEra(input: ReconcileInput): Reconciliation {
  const { params, usage } = input
  const facts = eraChainFacts(input.events, input.clusterId, input.era)
  const parties: PartyLine[] = []
  const missing: string[] = []

  // 1–2. customers: expected charge vs charged + indebted. The cluster's costs are the sums of the customers' computed
  // costs, whatever their deposits allowed (the payout-receipt runtime computes payers and payees before charging)
  let clusterCosts: DimensionCosts = ZERO_COSTS
  let expectedAnyCharge = false
  const usageCustomers = new Set<string>()
  if (usage) {
    const eraSeconds = BigInt(usage.end - usage.start)
    for (const customer of usage.customers) {
      usageCustomers.add(customer.id)
      const costs = customerCosts(customer, params, eraSeconds)
      const expected = totalCost(costs)
      if (expected > 0n) expectedAnyCharge = true
      const charge = facts.charges.get(customer.id)
      clusterCosts = addCosts(clusterCosts, costs)
      parties.push(customerLine(customer.id, expected, charge, false))
    }
  }
  for (const [id, charge] of facts.charges) {
    if (usageCustomers.has(id)) continue
    parties.push(customerLine(id, usage ? 0n : charge.expectedToCharge, charge, !usage))
    if (!usage && charge.expectedToCharge > 0n) expectedAnyCharge = true
  }
  const collected = [...facts.charges.values()].reduce((sum, charge) => sum + charge.charged, 0n)
  if (expectedAnyCharge && facts.charges.size === 0) missing.push('charging (no Charged / ChargedPartially events)')

  // 3. fees on the total collected
  const fees = eraFees(params, collected)
  const feeRoles = [
    ['treasury', fees.treasury, facts.fees.treasury, 'TreasuryFeesCollected'],
    ['validators', fees.validators, facts.fees.validators, 'ValidatorFeesCollected'],
    ['cluster_reserve', fees.cluster_reserve, facts.fees.cluster_reserve, 'ClusterReserveFeesCollected'],
  ] as const
  const anyFeeEvent = feeRoles.some(([, , actual]) => actual !== undefined)
  if (!anyFeeEvent && feeRoles.some(([, expected]) => expected > 0n)) missing.push('fees (no *FeesCollected events)')
  for (const [role, expected, actual, method] of feeRoles) {
    parties.push(feeLine(role, expected, actual, method, params, role === 'validators' ? facts.validatorRewards : undefined))
  }

  // 4. providers: reward from their share of each dimension of the cluster's costs, less the three fee shares
  const usageProviders = new Set<string>()
  let expectedAnyReward = false
  if (usage) {
    const clusterUsage: UsageDimensions = usage.cluster_usage ?? sumUsage(usage.providers)
    for (const provider of usage.providers) {
      usageProviders.add(provider.id)
      const { profit } = providerReward(provider, clusterUsage, clusterCosts, params)
      if (profit > 0n) expectedAnyReward = true
      parties.push(providerLine(provider.id, profit, facts.rewards.get(provider.id), false))
    }
  }
  for (const [id, reward] of facts.rewards) {
    if (usageProviders.has(id)) continue
    parties.push(providerLine(id, usage ? 0n : reward.expectedToReward, reward, !usage))
    if (!usage && reward.expectedToReward > 0n) expectedAnyReward = true
  }
  if (expectedAnyReward && facts.rewards.size === 0) missing.push('rewarding (no Rewarded / ProviderRewarded events)')

  // conservation, round integrity, closure
  const conservation = conservationOf(facts, collected, parties.filter((p) => p.role === 'customer').length, facts.rewards.size)
  const validatorSet = params.validators.length > 0 ? params.validators : (facts.validatorSet ?? [])
  const quorum = eraQuorum(validatorSet, facts.commits, facts.payoutStart)
  if (!facts.closed) missing.push('closing (no DdcClusters.ClusterEraPaid)')

  const verdict: Verdict =
    missing.length > 0
      ? 'incomplete'
      : parties.every((p) => p.difference === 0n) && conservation.holds && quorum.holds && facts.closed
        ? 'balanced'
        : 'discrepancies'
  return { verdict, parties, conservation, quorum, closed: facts.closed, missing, cluster_id: input.clusterId.toLowerCase(), era: input.era }
}

function customerLine(id: string, expected: bigint, charge: EraChainFacts['charges'] extends Map<string, infer C> ? C | undefined : never, chainOnly: boolean): PartyLine {
  if (!charge) {
    return line('customer', id, expected, 0n, expected === 0n ? 'nothing to charge, no charge event' : 'missing event: no Charged or ChargedPartially for this customer')
  }
  const actual = charge.charged + charge.indebted
  const reasons: string[] = []
  if (chainOnly) reasons.push(expected === 0n && !charge.partial ? 'no usage given' : "no usage given: expected is the chain's own expected_to_charge")
  else if (expected === 0n && actual > 0n) reasons.push('charged without attested usage')
  if (charge.partial && charge.events === 0) {
    reasons.push(`charged nothing: indebted customer (${charge.indebted} recorded as debt)`)
  } else if (charge.partial) {
    reasons.push(`charged partially (${charge.charged} of ${charge.expectedToCharge})`)
    if (charge.indebted > 0n) reasons.push(`indebted customer (${charge.indebted} recorded as debt)`)
    if (charge.charged + charge.indebted < charge.expectedToCharge) reasons.push(`partial charge: ${charge.expectedToCharge - charge.charged - charge.indebted} neither charged nor recorded as debt`)
  } else if (charge.indebted > 0n) reasons.push(`indebted customer (${charge.indebted})`)
  if (!chainOnly && charge.expectedToCharge !== expected) reasons.push(`the chain expected to charge ${charge.expectedToCharge}, usage says ${expected}`)
  if (actual > expected) reasons.push('overcharged')
  else if (actual < expected) reasons.push('undercharged')
  if (reasons.length === 0) reasons.push('charged in full')
  return line('customer', id, expected, actual, reasons.join('; '))
}

function providerLine(id: string, expected: bigint, reward: EraChainFacts['rewards'] extends Map<string, infer R> ? R | undefined : never, chainOnly: boolean): PartyLine {
  if (!reward) {
    return line('provider', id, expected, 0n, expected === 0n ? 'nothing to reward, no reward event' : 'missing event: no Rewarded / ProviderRewarded for this provider')
  }
  const actual = reward.rewarded
  const reasons: string[] = []
  if (chainOnly) reasons.push("no usage given: expected is the chain's own expected_to_reward")
  else if (expected === 0n && actual > 0n) reasons.push('rewarded without attested usage')
  if (reward.notDistributed > 0n) reasons.push(`undistributed reward (${reward.notDistributed} not paid out)`)
  if (!chainOnly && reward.expectedToReward !== expected) reasons.push(`the chain expected to reward ${reward.expectedToReward}, usage says ${expected}`)
  if (actual > expected) reasons.push('over-rewarded')
  else if (actual < expected && reward.notDistributed === 0n) reasons.push('under-rewarded')
  if (reasons.length === 0) reasons.push('rewarded in full')
  return line('provider', id, expected, actual, reasons.join('; '))
}

function feeLine(
  role: 'treasury' | 'validators' | 'cluster_reserve',
  expected: bigint,
  actual: bigint | undefined,
  method: string,
  params: ClusterParams,
  validatorRewards: Map<string, bigint> | undefined,
): PartyLine {
  const share = role === 'treasury' ? params.treasury_share : role === 'validators' ? params.validators_share : params.cluster_reserve_share
  const percent = `${share * 100n / PERQUINTILL_ONE}.${((share * 100n) % PERQUINTILL_ONE).toString().padStart(18, '0').replace(/0+$/, '') || '0'}% of collected`
  if (actual === undefined) return line(role, role, expected, 0n, expected === 0n ? `${percent}; nothing due, no event (emitted only when > 0)` : `missing event: no ${method}`)
  const reasons = [percent]
  if (actual > expected) reasons.push('fee above its share')
  else if (actual < expected) reasons.push('fee below its share')
  if (validatorRewards && validatorRewards.size > 0) {
    const paid = [...validatorRewards.values()].reduce((sum, amount) => sum + amount, 0n)
    reasons.push(`${validatorRewards.size} validators rewarded ${paid} in total${paid > actual ? ' (more than the fees collected)' : ''}`)
  }
  return line(role, role, expected, actual, reasons.join('; '))
}

function line(role: PartyRole, id: string, expected: bigint, actual: bigint, reason: string): PartyLine {
  return { role, id, expected, actual, difference: actual - expected, reason }
}

/**
 * The rounding bound of an era: one planck for each rounding step the runtime takes (four per partially
 * charged customer, four reward dimensions and three fee shares per provider, three era fees), plus
 * the from_rational truncation (at most one part in 10^18 of the collected amount, per dimension and provider).
 */
function dustBound(collected: bigint, customers: number, providers: number): bigint {
  const steps = BigInt(4 * customers + 7 * providers + 3)
  const truncation = (BigInt(4 * providers) * collected + PERQUINTILL_ONE - 1n) / PERQUINTILL_ONE
  return steps + truncation
}

function conservationOf(facts: EraChainFacts, collected: bigint, customers: number, providers: number): Conservation {
  const profits = [...facts.rewards.values()].reduce((sum, reward) => sum + reward.rewarded, 0n)
  const fees = (facts.fees.treasury ?? 0n) + (facts.fees.validators ?? 0n) + (facts.fees.cluster_reserve ?? 0n)
  const undistributed = facts.undistributed
  const dust = collected - profits - fees - undistributed
  return { collected, profits, fees, undistributed, dust, holds: dust >= 0n && dust <= dustBound(collected, customers, providers) }
}

/**
 * The result in the spec's `--json` shape: amounts as decimal strings, nothing else.
 * @example printJson(reconciliationJson(result))
 */
export function reconciliationJson(result: Reconciliation) {
  return {
    verdict: result.verdict,
    parties: result.parties.map((p) => ({
      role: p.role,
      id: p.id,
      expected: p.expected.toString(),
      actual: p.actual.toString(),
      difference: p.difference.toString(),
      reason: p.reason,
    })),
    conservation: {
      collected: result.conservation.collected.toString(),
      profits: result.conservation.profits.toString(),
      fees: result.conservation.fees.toString(),
      undistributed: result.conservation.undistributed.toString(),
      dust: result.conservation.dust.toString(),
      holds: result.conservation.holds,
    },
    quorum: { ...result.quorum },
    closed: result.closed,
  }
}
