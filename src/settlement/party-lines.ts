import type { ClusterParams } from '../schema/settlement.ts'
import type { PartyRole } from '../schema/settlement-result.ts'
import type { ChainCharge, ChainReward, ChainValidatorReward } from './era-chain-facts.ts'
import { formatPerquintill, PERQUINTILL_ONE } from './perquintill.ts'

/** The runtime's `MaxDust` (MILLICENTS, planck): a vault shortfall up to this is paid short without `NotDistributedReward`. */
export const MAX_DUST = 100_000n

/**
 * One party's line: what the recomputation expects, what the chain shows, and why they differ. `ok` is false when the
 * amounts differ or the party's events are not what the runtime emits (order, amounts that do not add up).
 */
export type PartyLine = { role: PartyRole; id: string; expected: bigint; actual: bigint; difference: bigint; reason: string; ok: boolean }

/**
 * A customer's line: expected charge vs charged + indebted, with how it was charged (spec rules 2 and 6).
 * @example customerLine(id, 1000n, facts.charges.get(id), false).reason // 'charged in full'
 */
export function customerLine(id: string, expected: bigint, charge: ChainCharge | undefined, chainOnly: boolean): PartyLine {
  if (!charge) {
    return line('customer', id, expected, 0n, expected === 0n ? 'nothing to charge, no charge event' : 'missing event: no Charged, ChargedPartially or ChargeError for this customer')
  }
  const actual = charge.charged + charge.indebted
  const reasons: string[] = []
  if (chainOnly) reasons.push(expected === 0n && !charge.partial ? 'no usage given' : "no usage given: expected is the chain's own expected_to_charge")
  else if (expected === 0n && actual > 0n) reasons.push('charged without attested usage')
  if (charge.failed && charge.charged === 0n) {
    reasons.push(`charge failed (ChargeError): ${charge.indebted} recorded as debt`)
  } else if (charge.partial && charge.events === 0) {
    reasons.push(`charged nothing: indebted customer (${charge.indebted} recorded as debt)`)
  } else if (charge.partial) {
    reasons.push(`charged partially (${charge.charged} of ${charge.expectedToCharge})`)
    if (charge.indebted > 0n) reasons.push(`indebted customer (${charge.indebted} recorded as debt)`)
  }
  if (charge.charged + charge.indebted < charge.expectedToCharge) reasons.push(`${charge.expectedToCharge - charge.charged - charge.indebted} neither charged nor recorded as debt`)
  if (!chainOnly && charge.expectedToCharge !== expected) reasons.push(`the chain expected to charge ${charge.expectedToCharge}, usage says ${expected}`)
  if (actual > expected) reasons.push('overcharged')
  else if (actual < expected) reasons.push('undercharged')
  reasons.push(...charge.anomalies)
  if (reasons.length === 0) reasons.push('charged in full')
  return line('customer', id, expected, actual, reasons.join('; '), charge.anomalies.length === 0)
}

/**
 * A provider's line: expected profit vs rewarded, naming a shortfall of the shared payout vault (spec rules 4 and 5):
 * above `MaxDust` with `NotDistributedReward`, at most `MaxDust` silently.
 * @example providerLine(id, profit, facts.rewards.get(id), false).reason // 'rewarded in full'
 */
export function providerLine(id: string, expected: bigint, reward: ChainReward | undefined, chainOnly: boolean): PartyLine {
  if (!reward) {
    return line('provider', id, expected, 0n, expected === 0n ? 'nothing to reward, no reward event' : 'missing event: no Rewarded / ProviderRewarded for this provider')
  }
  const actual = reward.rewarded
  const reasons: string[] = []
  const anomalies: string[] = []
  if (chainOnly) reasons.push("no usage given: expected is the chain's own expected_to_reward")
  else if (expected === 0n && actual > 0n) reasons.push('rewarded without attested usage')
  if (!chainOnly && reward.expectedToReward !== expected) reasons.push(`the chain expected to reward ${reward.expectedToReward}, usage says ${expected}`)
  const shortfall = reward.expectedToReward - reward.rewarded
  if (shortfall > 0n && reward.notDistributedEvents > 0) {
    reasons.push(`the shared payout vault paid ${shortfall} short (NotDistributedReward: undistributed reward)`)
    if (reward.notDistributed !== shortfall) anomalies.push(`NotDistributedReward says ${reward.notDistributed} was not paid, Rewarded says ${shortfall}`)
  } else if (shortfall > 0n && shortfall <= MAX_DUST) {
    reasons.push(`the shared payout vault paid ${shortfall} short, within MaxDust (${MAX_DUST}): no NotDistributedReward`)
  } else if (shortfall > 0n) {
    anomalies.push(`paid ${shortfall} short with no NotDistributedReward (the runtime emits one above MaxDust ${MAX_DUST})`)
  } else if (shortfall < 0n) {
    anomalies.push(`rewarded ${-shortfall} more than its own expected_to_reward`)
  }
  if (shortfall <= 0n && reward.notDistributedEvents > 0) anomalies.push('NotDistributedReward for a provider paid in full')
  if (actual > expected) reasons.push('over-rewarded')
  else if (actual < expected && shortfall <= 0n) reasons.push('under-rewarded')
  reasons.push(...anomalies)
  if (reasons.length === 0) reasons.push('rewarded in full')
  return line('provider', id, expected, actual, reasons.join('; '), anomalies.length === 0)
}

/**
 * A fee's line: its share of the collected total vs the fee event (emitted only when > 0, spec rule 3). For the
 * validators' fee, the stakers' `ValidatorRewarded` parts are summarised; without scores, their total must be the fee
 * to within one planck per staker (each part is rounded), and none may come after `ValidatorFeesCollected`.
 * @example feeLine('treasury', 15n, 15n, 'TreasuryFeesCollected', params, undefined, false)
 */
export function feeLine(
  role: 'treasury' | 'validators' | 'cluster_reserve',
  expected: bigint,
  actual: bigint | undefined,
  method: string,
  params: ClusterParams,
  stakers: ReadonlyMap<string, ChainValidatorReward> | undefined,
  stakersChecked: boolean,
): PartyLine {
  const share = role === 'treasury' ? params.treasury_share : role === 'validators' ? params.validators_share : params.cluster_reserve_share
  const percent = `${formatPercent(share)}% of collected`
  const paid = stakers ? [...stakers.values()].reduce((sum, s) => sum + s.amount, 0n) : 0n
  if (actual === undefined) {
    if (stakers && stakers.size > 0) return line(role, role, expected, 0n, `missing event: no ${method}, but ${stakers.size} stakers rewarded ${paid} in total`, false)
    return line(role, role, expected, 0n, expected === 0n ? `${percent}; nothing due, no event (emitted only when > 0)` : `missing event: no ${method}`)
  }
  const reasons = [percent]
  const anomalies: string[] = []
  if (actual > expected) reasons.push('fee above its share')
  else if (actual < expected) reasons.push('fee below its share')
  if (stakers && stakers.size > 0) {
    reasons.push(`${stakers.size} stakers rewarded ${paid} in total${stakersChecked ? ' (each checked below)' : ''}`)
    if (!stakersChecked) {
      const count = BigInt(stakers.size)
      const slack = count + (count * actual + PERQUINTILL_ONE - 1n) / PERQUINTILL_ONE
      if (paid > actual + slack || paid + slack < actual) anomalies.push(`the stakers' parts add up to ${paid}, not the fee ${actual} to within rounding (${slack})`)
      const late = [...stakers.values()].filter((s) => s.afterFee).length
      if (late > 0) anomalies.push(`${late} ValidatorRewarded after ValidatorFeesCollected (the runtime pays every staker first)`)
    }
  }
  reasons.push(...anomalies)
  return line(role, role, expected, actual, reasons.join('; '), anomalies.length === 0)
}

/**
 * A staker's line when the params give `validator_scores`: from_rational(score, total) × the validators fee vs its
 * `ValidatorRewarded`, which must exist (zero included) and come before `ValidatorFeesCollected`.
 * @example stakerLine(id, 750n, 3n, 4n, facts.validatorRewards.get(id))
 */
export function stakerLine(id: string, expected: bigint, score: bigint | undefined, totalScore: bigint, paid: ChainValidatorReward | undefined): PartyLine {
  const why = score === undefined ? 'not a staker in validator_scores' : `stake score ${score} of ${totalScore}`
  if (!paid) return line('validators', id, expected, 0n, `${why}; missing event: no ValidatorRewarded for this staker (the runtime emits one per staker, zero included)`, false)
  const reasons = [why]
  const anomalies: string[] = []
  if (paid.events > 1) anomalies.push(`${paid.events} ValidatorRewarded events (the runtime emits one per staker)`)
  if (paid.afterFee) anomalies.push('ValidatorRewarded after ValidatorFeesCollected (the runtime pays every staker first)')
  if (paid.amount > expected) reasons.push('rewarded above its share')
  else if (paid.amount < expected) reasons.push('rewarded below its share')
  else reasons.push('rewarded its share')
  reasons.push(...anomalies)
  return line('validators', id, expected, paid.amount, reasons.join('; '), anomalies.length === 0)
}

function line(role: PartyRole, id: string, expected: bigint, actual: bigint, reason: string, consistent = true): PartyLine {
  const difference = actual - expected
  return { role, id, expected, actual, difference, reason, ok: consistent && difference === 0n }
}

/** A Perquintill as a percentage with at least one decimal: `1.0` for 10^16 parts, `0.5`, `2.25`. */
function formatPercent(share: bigint): string {
  const text = formatPerquintill(share * 100n)
  return text.includes('.') ? text : `${text}.0`
}
