import type { EraChainFacts } from './era-chain-facts.ts'

/**
 * Conservation of the era's money (spec "Conservation"): dust = collected − Σ rewarded − fees, signed (negative when
 * indebted customers' shares were advanced from the shared vault); it holds when it equals, to the planck,
 * expected_dust = collected − Σ expected profits − expected fees. undistributed = Σ (expected_to_reward − rewarded),
 * what the vault could not pay.
 */
export type Conservation = { collected: bigint; profits: bigint; fees: bigint; undistributed: bigint; dust: bigint; expectedDust: bigint; holds: boolean }

/**
 * Computes conservation from the chain's facts and the recomputed expectations.
 * @example eraConservation(facts, collected, expectedProfits, expectedFees).holds
 */
export function eraConservation(facts: EraChainFacts, collected: bigint, expectedProfits: bigint, expectedFees: bigint): Conservation {
  let profits = 0n
  let undistributed = 0n
  for (const reward of facts.rewards.values()) {
    profits += reward.rewarded
    if (reward.expectedToReward > reward.rewarded) undistributed += reward.expectedToReward - reward.rewarded
  }
  const fees = (facts.fees.treasury ?? 0n) + (facts.fees.validators ?? 0n) + (facts.fees.cluster_reserve ?? 0n)
  const dust = collected - profits - fees
  const expectedDust = collected - expectedProfits - expectedFees
  return { collected, profits, fees, undistributed, dust, expectedDust, holds: dust === expectedDust }
}
