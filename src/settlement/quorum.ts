import type { FingerprintCommit } from './era-chain-facts.ts'

/** The share of the validator set that must commit the same roots before an era is paid: 67 %. */
export const QUORUM_PERCENT = 67

/** Round integrity: how many of the era's validators committed the same payers/payees roots before the payout began. */
export type QuorumCheck = { validators: number; committed: number; holds: boolean }

/**
 * Counts the largest group of validators (of the set) that committed identical roots before the payout started;
 * the quorum holds when that group is at least 67 % of the set. Commits after the payout began do not count.
 * @example eraQuorum(['6a…', '6b…', '6c…'], commits, payoutStart) // { validators: 3, committed: 3, holds: true }
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
  return { validators, committed, holds: validators > 0 && committed * 100 >= QUORUM_PERCENT * validators }
}
