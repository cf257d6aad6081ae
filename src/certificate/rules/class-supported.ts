import { classToNumber } from '../classes.ts'
import { type Rule, violation } from './types.ts'

/**
 * CLASS_NOT_SUPPORTED_BY_RULES: the declared class must not be higher than the highest class whose rules all hold.
 * It always comes with the class rule that caps it (expiry, reserve ratio, attestation, composition analysis, stake).
 * @example checkClassSupported(seedExample, ctx) // declared C2, the rules support at most C1
 */
export const checkClassSupported: Rule = (cert, { derived }) => {
  const declared = cert.derived_metrics.certificate_class
  if (classToNumber(declared) <= classToNumber(derived.certificate_class)) return []
  const supported = derived.certificate_class === 'NONE' ? 'no class at all' : `at most ${derived.certificate_class}`
  return [violation('CLASS_NOT_SUPPORTED_BY_RULES', '$.derived_metrics.certificate_class', `declared ${declared}, but the rules support ${supported}`)]
}
