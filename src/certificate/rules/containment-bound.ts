import { compareDecimal } from '../decimal.ts'
import { type Rule, violation } from './types.ts'

/**
 * CONTAINMENT_BOUND_MISMATCH: derived_metrics.containment_bound must equal the tightest agent-independent SPENDING_LIMIT,
 * in the same denomination. When no constraint is agent-independent, NO_AGENT_INDEPENDENT_CONSTRAINT says it instead.
 * @example checkContainmentBound({ derived_metrics: { containment_bound: '40000', … }, … }, ctx) // one violation when the tightest limit is 50000
 */
export const checkContainmentBound: Rule = (cert, { bound }) => {
  const declared = cert.derived_metrics
  if (!bound) {
    if (!cert.constraints.some((c) => c.agent_independent === true)) return []
    return [violation('CONTAINMENT_BOUND_MISMATCH', '$.derived_metrics.containment_bound', 'there is no agent-independent SPENDING_LIMIT, so no containment bound can be stated')]
  }
  const found = []
  if (compareDecimal(declared.containment_bound, bound.amount) !== 0) {
    found.push(
      violation('CONTAINMENT_BOUND_MISMATCH', '$.derived_metrics.containment_bound', `containment_bound is ${declared.containment_bound}, the tightest agent-independent spending limit is ${bound.amount} ($.constraints[${bound.index}])`),
    )
  }
  if (declared.containment_bound_denomination !== bound.denomination) {
    found.push(
      violation('CONTAINMENT_BOUND_MISMATCH', '$.derived_metrics.containment_bound_denomination', `containment_bound_denomination is ${declared.containment_bound_denomination}, the bound is in ${bound.denomination}`),
    )
  }
  return found
}
