import { CLASS_REQUIRES_ATTESTATION } from '../classes.ts'
import { type Rule, violation } from './types.ts'

/**
 * ATTESTATION_REQUIRED: C2 and C3 certificates need at least one attestation.
 * @example checkAttestationPresent({ attestations: [], derived_metrics: { certificate_class: 'C2', … }, … }, ctx) // one violation
 */
export const checkAttestationPresent: Rule = (cert) => {
  const declared = cert.derived_metrics.certificate_class
  if (!CLASS_REQUIRES_ATTESTATION[declared] || cert.attestations.length > 0) return []
  return [violation('ATTESTATION_REQUIRED', '$.attestations', `class ${declared} needs at least one attestation by a staked auditor`)]
}
