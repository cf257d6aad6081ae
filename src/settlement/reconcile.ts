import type { ClusterParams, EraUsage, UsageDimensions } from '../schema/settlement.ts'
import { eraConservation, type Conservation } from './conservation.ts'
import { addCosts, customerCosts, sumUsage, totalCost, ZERO_COSTS, type DimensionCosts } from './era-costs.ts'
import { eraChainFacts } from './era-chain-facts.ts'
import type { LocatedEvent } from './event-lines.ts'
import { customerLine, feeLine, providerLine, stakerLine, type PartyLine } from './party-lines.ts'
import { eraFees, providerReward } from './provider-reward.ts'
import { eraQuorum, type QuorumCheck } from './quorum.ts'
import { validatorRewards } from './validator-rewards.ts'

export type { Conservation } from './conservation.ts'
export type { PartyLine } from './party-lines.ts'

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

  // 1–2. customers: expected charge vs charged + indebted. The cluster's costs are the sums of the customers' expected
  // charges, whatever their deposits allowed: an indebted customer's share is still paid to providers
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
      clusterCosts = addCosts(clusterCosts, costs)
      parties.push(customerLine(customer.id, expected, facts.charges.get(customer.id), false))
    }
  }
  for (const [id, charge] of facts.charges) {
    if (usageCustomers.has(id)) continue
    parties.push(customerLine(id, usage ? 0n : charge.expectedToCharge, charge, !usage))
    if (!usage && charge.expectedToCharge > 0n) expectedAnyCharge = true
  }
  const collected = [...facts.charges.values()].reduce((sum, charge) => sum + charge.charged, 0n)
  if (expectedAnyCharge && facts.charges.size === 0) missing.push('charging (no Charged / ChargedPartially events)')

  // 3. fees on the total collected; the validators' fee split among the stakers by score when the params give scores
  const fees = eraFees(params, collected)
  const feeRoles = [
    ['treasury', fees.treasury, facts.fees.treasury, 'TreasuryFeesCollected'],
    ['validators', fees.validators, facts.fees.validators, 'ValidatorFeesCollected'],
    ['cluster_reserve', fees.cluster_reserve, facts.fees.cluster_reserve, 'ClusterReserveFeesCollected'],
  ] as const
  const anyFeeEvent = feeRoles.some(([, , actual]) => actual !== undefined)
  if (!anyFeeEvent && feeRoles.some(([, expected]) => expected > 0n)) missing.push('fees (no *FeesCollected events)')
  const scores = params.validator_scores
  for (const [role, expected, actual, method] of feeRoles) {
    parties.push(feeLine(role, expected, actual, method, params, role === 'validators' ? facts.validatorRewards : undefined, scores !== undefined))
  }
  if (scores) parties.push(...stakerLines(scores, fees.validators, facts.validatorRewards))

  // 4. providers: reward from their share of each dimension of the cluster's costs, less the three fee shares
  const usageProviders = new Set<string>()
  let expectedAnyReward = false
  let expectedProfits = 0n
  if (usage) {
    const clusterUsage: UsageDimensions = usage.cluster_usage ?? sumUsage(usage.providers)
    for (const provider of usage.providers) {
      usageProviders.add(provider.id)
      const { profit } = providerReward(provider, clusterUsage, clusterCosts, params)
      if (profit > 0n) expectedAnyReward = true
      expectedProfits += profit
      parties.push(providerLine(provider.id, profit, facts.rewards.get(provider.id), false))
    }
  }
  for (const [id, reward] of facts.rewards) {
    if (usageProviders.has(id)) continue
    const expected = usage ? 0n : reward.expectedToReward
    expectedProfits += expected
    parties.push(providerLine(id, expected, reward, !usage))
    if (!usage && reward.expectedToReward > 0n) expectedAnyReward = true
  }
  if (expectedAnyReward && facts.rewards.size === 0) missing.push('rewarding (no Rewarded / ProviderRewarded events)')

  // conservation, round integrity, closure
  const conservation = eraConservation(facts, collected, expectedProfits, fees.treasury + fees.validators + fees.cluster_reserve)
  const validatorSet = params.validators.length > 0 ? params.validators : (facts.validatorSet ?? [])
  const quorum = eraQuorum(validatorSet, facts.commits, facts.payoutStart)
  if (!facts.closed) missing.push('closing (no DdcClusters.ClusterEraPaid)')

  const verdict: Verdict =
    missing.length > 0 ? 'incomplete' : parties.every((p) => p.ok) && conservation.holds && quorum.holds && facts.closed ? 'balanced' : 'discrepancies'
  return { verdict, parties, conservation, quorum, closed: facts.closed, missing, cluster_id: input.clusterId.toLowerCase(), era: input.era }
}

/** One line per staker of the scores (zero included) and per other account the chain rewarded; none when no fee is due and none was paid. */
function stakerLines(scores: ReadonlyMap<string, bigint>, validatorsFee: bigint, paid: EraChainFacts['validatorRewards']): PartyLine[] {
  const expected = validatorRewards(scores, validatorsFee)
  const total = [...scores.values()].reduce((sum, score) => sum + score, 0n)
  const lines: PartyLine[] = []
  for (const [staker, amount] of expected) {
    if (validatorsFee === 0n && !paid.has(staker)) continue
    lines.push(stakerLine(staker, amount, scores.get(staker), total, paid.get(staker)))
  }
  for (const [staker, reward] of paid) if (!scores.has(staker)) lines.push(stakerLine(staker, 0n, undefined, total, reward))
  return lines
}

type EraChainFacts = ReturnType<typeof eraChainFacts>

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
      expected_dust: result.conservation.expectedDust.toString(),
      holds: result.conservation.holds,
    },
    quorum: { ...result.quorum },
    closed: result.closed,
  }
}
