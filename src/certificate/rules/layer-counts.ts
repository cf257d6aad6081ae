import { type Rule, type RuleViolation, violation } from './types.ts'

/**
 * LAYER_COUNT_MISMATCH: the declared agent-independent and agent-influenceable layer counts must match the constraints.
 * @example checkLayerCounts({ derived_metrics: { agent_independent_layer_count: 4, … }, … }, ctx) // one violation when 3 layers are independent
 */
export const checkLayerCounts: Rule = (cert, { derived }) => {
  const found: RuleViolation[] = []
  for (const field of ['agent_independent_layer_count', 'agent_influenceable_layer_count'] as const) {
    if (cert.derived_metrics[field] !== derived[field]) {
      found.push(violation('LAYER_COUNT_MISMATCH', `$.derived_metrics.${field}`, `${field} is ${cert.derived_metrics[field]}, the constraints give ${derived[field]}`))
    }
  }
  return found
}
