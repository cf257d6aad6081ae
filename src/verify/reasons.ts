/**
 * One reason of a verify-agent decision: the stage that found it, a stable code, and what it does to the decision
 * (`reject` fails it, `condition` makes it conditional, `could-not-check` makes the run inconclusive).
 * @example { stage: 'policy', code: 'POLICY_MIN_CLASS', effect: 'reject', message: 'class C1 is below C2' }
 */
export type Reason = {
  stage: 'lookup' | 'retrieve' | 'integrity' | 'validate' | 'signatures' | 'reserve' | 'stakes' | 'status' | 'policy' | 'concentration'
  code: string
  effect: 'reject' | 'condition' | 'could-not-check'
  message: string
}

export type Decision = 'accept' | 'reject' | 'conditional' | 'could-not-check'

/**
 * The decision from the reasons: any could-not-check wins, then reject, then conditional, else accept.
 * @example decide([]) // 'accept'
 */
export function decide(reasons: Reason[]): Decision {
  if (reasons.some((r) => r.effect === 'could-not-check')) return 'could-not-check'
  if (reasons.some((r) => r.effect === 'reject')) return 'reject'
  if (reasons.some((r) => r.effect === 'condition')) return 'conditional'
  return 'accept'
}
