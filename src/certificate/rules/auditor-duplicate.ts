import { type Rule, type RuleViolation, violation } from './types.ts'

/**
 * AUDITOR_DUPLICATE: each auditor attests a certificate once (auditor ids compared case-insensitively); the registry
 * refuses a publish naming an auditor twice (`DuplicateAuditor`). The violation points at every repeat, not the first.
 * @example checkAuditorDuplicate({ attestations: [{ auditor_id: A, … }, { auditor_id: A, … }], … }, ctx) // one violation at $.attestations[1].auditor_id
 */
export const checkAuditorDuplicate: Rule = (cert) => {
  const found: RuleViolation[] = []
  const first = new Map<string, number>()
  cert.attestations.forEach((attestation, i) => {
    const auditor = String(attestation.auditor_id).toLowerCase()
    const earlier = first.get(auditor)
    if (earlier === undefined) {
      first.set(auditor, i)
      return
    }
    found.push(violation('AUDITOR_DUPLICATE', `$.attestations[${i}].auditor_id`, `auditor ${attestation.auditor_id} already attests this certificate at $.attestations[${earlier}]; the registry refuses a duplicate auditor`))
  })
  return found
}
