import { isIndependentAttestation } from '../class-rules.ts'
import { type Rule, type RuleViolation, violation } from './types.ts'

/**
 * AUDITOR_NOT_INDEPENDENT: no attestation may be by the certificate's operator or agent (compared case-insensitively):
 * nobody audits themselves, and the registry refuses such a publish (`AuditorNotIndependent`) even next to other attestations.
 * @example checkAuditorIndependent({ attestations: [{ auditor_id: cert.identity.operator_id, … }], … }, ctx) // one violation at $.attestations[0].auditor_id
 */
export const checkAuditorIndependent: Rule = (cert) => {
  const found: RuleViolation[] = []
  cert.attestations.forEach((attestation, i) => {
    if (isIndependentAttestation(cert, attestation)) return
    const role = String(attestation.auditor_id).toLowerCase() === String(cert.identity.operator_id).toLowerCase() ? 'operator' : 'agent'
    found.push(violation('AUDITOR_NOT_INDEPENDENT', `$.attestations[${i}].auditor_id`, `auditor ${attestation.auditor_id} is the certificate's ${role}; an attestation must come from an independent auditor`))
  })
  return found
}
