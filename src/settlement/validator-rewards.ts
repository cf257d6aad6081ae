import { perquintillFromRational, perquintillMul } from './perquintill.ts'

/**
 * Each staker's share of the era's validators fee, as the runtime pays it (spec rule 7):
 * from_rational(score, total score) × fee, rounded to nearest (ties down); zero scores get zero; a total of 0 makes
 * every share one (sp-arithmetic's from_rational(_, 0)). The parts need not add up to the fee.
 * @example validatorRewards(new Map([['6a…', 3n], ['6b…', 1n]]), 1000n) // Map { '6a…' => 750n, '6b…' => 250n }
 */
export function validatorRewards(scores: ReadonlyMap<string, bigint>, validatorsFee: bigint): Map<string, bigint> {
  const total = [...scores.values()].reduce((sum, score) => sum + score, 0n)
  const rewards = new Map<string, bigint>()
  for (const [staker, score] of scores) rewards.set(staker, perquintillMul(perquintillFromRational(score, total), validatorsFee))
  return rewards
}
