import { agentIndependentSpendingLimits } from '../derive.ts'
import { type Rule, type RuleViolation, violation } from './types.ts'

/**
 * DENOMINATION_MISMATCH: the reserve and every agent-independent SPENDING_LIMIT must be in the containment bound's
 * denomination; amounts in different assets cannot be compared or covered.
 * @example checkDenominations({ reserve: { denomination: 'USDT', … }, … }, ctx) // one violation at $.reserve.denomination when the bound is in USDC
 */
export const checkDenominations: Rule = (cert, { bound }) => {
  if (!bound) return []
  const found: RuleViolation[] = []
  for (const { limit, index } of agentIndependentSpendingLimits(cert)) {
    if (limit.value.denomination !== bound.denomination) {
      found.push(violation('DENOMINATION_MISMATCH', `$.constraints[${index}].value.denomination`, `spending limit in ${limit.value.denomination}, the containment bound is in ${bound.denomination}`))
    }
  }
  if (cert.reserve.denomination !== bound.denomination) {
    found.push(violation('DENOMINATION_MISMATCH', '$.reserve.denomination', `the reserve is in ${cert.reserve.denomination}, the containment bound in ${bound.denomination}`))
  }
  return found
}
