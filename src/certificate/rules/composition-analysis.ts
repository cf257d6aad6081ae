import { isIndependentAttestation } from '../class-rules.ts'
import { CLASS_REQUIRES_COMPOSITION_ANALYSIS, COMPOSITION_SCOPES } from '../classes.ts'
import { type Rule, violation } from './types.ts'

/**
 * COMPOSITION_ANALYSIS_REQUIRED: a C3 certificate needs an attestation scoped COMPOSITION_ANALYSIS or FULL_STACK_VERIFICATION
 * (seed 004, stage 4), by an auditor other than the operator and the agent.
 * @example checkCompositionAnalysis(c3WithOnlyContractAudit, ctx) // one violation at $.attestations
 */
export const checkCompositionAnalysis: Rule = (cert) => {
  const declared = cert.derived_metrics.certificate_class
  if (!CLASS_REQUIRES_COMPOSITION_ANALYSIS[declared]) return []
  if (cert.attestations.some((a) => COMPOSITION_SCOPES.includes(a.scope) && isIndependentAttestation(cert, a))) return []
  return [violation('COMPOSITION_ANALYSIS_REQUIRED', '$.attestations', `class ${declared} needs an attestation scoped ${COMPOSITION_SCOPES.join(' or ')} by an auditor other than the operator and the agent`)]
}
