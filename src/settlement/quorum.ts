import type { FingerprintCommit } from './era-chain-facts.ts'

/** The runtime's `ValidatorsQuorum`: a `Percent` of 67. */
export const QUORUM_PERCENT = 67

/** Round integrity: how many of the era's validators committed the same payers/payees roots before the payout began. */
export type QuorumCheck = { validators: number; committed: number; holds: boolean }

/**
 * `Percent(p) × n` as sp-arithmetic computes it: the product rounded to the nearest integer, ties rounded down.
 * @example percentMul(67, 5) // 3 (3.35)
 */
export function percentMul(percent: number, n: number): number {
  const product = percent * n
  const whole = Math.floor(product / 100)
  const rest = product % 100
  return rest * 2 > 100 ? whole + 1 : whole
}

/**
 * How many validators must commit the same fingerprint for the payout to begin: `ValidatorsQuorum × n`
 * (Percent 67, rounded to nearest, ties down), compared with `≥`. 3 of 5, 2 of 3, 3 of 4 and 4 of 6 pass; 2 of 5 fails.
 * @example quorumThreshold(5) // 3
 */
export function quorumThreshold(validators: number): number {
  return percentMul(QUORUM_PERCENT, validators)
}

/**
 * Counts the largest group of validators (of the set) that committed identical roots before the payout started;
 * the quorum holds when that group reaches the threshold. Commits after the payout began do not count.
 * An empty (unknown) validator set never holds: there is nothing to count against.
 * @example eraQuorum(['6a…', '6b…', '6c…'], commits, payoutStart) // { validators: 3, committed: 2, holds: true }
 */
export function eraQuorum(validatorSet: ReadonlyArray<string>, commits: ReadonlyArray<FingerprintCommit>, payoutStart: number | undefined): QuorumCheck {
  const members = new Set(validatorSet)
  const byRoots = new Map<string, Set<string>>()
  for (const commit of commits) {
    if (!members.has(commit.validator)) continue
    if (payoutStart !== undefined && commit.position > payoutStart) continue
    let group = byRoots.get(commit.roots)
    if (!group) byRoots.set(commit.roots, (group = new Set()))
    group.add(commit.validator)
  }
  const committed = Math.max(0, ...[...byRoots.values()].map((group) => group.size))
  const validators = members.size
  return { validators, committed, holds: validators > 0 && committed >= quorumThreshold(validators) }
}
