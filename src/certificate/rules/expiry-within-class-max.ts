import { CLASS_MAX_VALIDITY_DAYS, classMaxValidityMs } from '../classes.ts'
import { validityDurationMs } from '../class-rules.ts'
import { type Rule, violation } from './types.ts'

/**
 * EXPIRY_EXCEEDS_CLASS_MAX: the validity window must not exceed the declared class's maximum (C1 90, C2 60, C3 30 days).
 * @example checkExpiryWithinClassMax(seedExample, ctx) // 2026-04-01 → 2026-06-01 is 61 days, over C2's 60
 */
export const checkExpiryWithinClassMax: Rule = (cert) => {
  const declared = cert.derived_metrics.certificate_class
  const duration = validityDurationMs(cert)
  if (duration <= classMaxValidityMs(declared)) return []
  const days = Math.round((duration / 86_400_000) * 1000) / 1000
  return [violation('EXPIRY_EXCEEDS_CLASS_MAX', '$.validity.expires_at', `valid for ${days} days, class ${declared} allows at most ${CLASS_MAX_VALIDITY_DAYS[declared]}`)]
}
