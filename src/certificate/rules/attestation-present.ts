import { isIndependentAttestation } from '../class-rules.ts'
import { CLASS_REQUIRES_ATTESTATION } from '../classes.ts'
import { type Rule, violation } from './types.ts'

/**
 * ATTESTATION_REQUIRED: C2 and C3 certificates need at least one attestation, by an auditor other than the operator
 * and the agent (an attestation by either does not count; the registry refuses it as `AuditorNotIndependent`).
 * @example checkAttestationPresent({ attestations: [], derived_metrics: { certificate_class: 'C2', … }, … }, ctx) // one violation
 */
export const checkAttestationPresent: Rule = (cert) => {
  const declared = cert.derived_metrics.certificate_class
  if (!CLASS_REQUIRES_ATTESTATION[declared]) return []
  if (cert.attestations.length === 0) {
    return [violation('ATTESTATION_REQUIRED', '$.attestations', `class ${declared} needs at least one attestation by a staked auditor`)]
  }
  if (cert.attestations.some((a) => isIndependentAttestation(cert, a))) return []
  return [violation('ATTESTATION_REQUIRED', '$.attestations', `class ${declared} needs at least one attestation by an auditor other than the operator and the agent`)]
}
