import type { Attestation, Certificate, CertificateClass } from '../schema/certificate.ts'
import { isValidAddress } from './address.ts'
import {
  CLASS_MIN_RESERVE_RATIO,
  CLASS_REQUIRES_ATTESTATION,
  CLASS_REQUIRES_COMPOSITION_ANALYSIS,
  COMPOSITION_SCOPES,
  classMaxValidityMs,
} from './classes.ts'
import { compareRational, divideDecimal, isPositiveDecimal, parseDecimal, type Rational } from './decimal.ts'

/** The containment bound: the tightest agent-independent SPENDING_LIMIT, and where it is. */
export type ContainmentBound = { amount: string; denomination: string; index: number }

/**
 * How long the certificate is valid, in milliseconds (negative when the window is inverted).
 * @example validityDurationMs(cert) // 5270400000 for 2026-04-01 → 2026-06-01
 */
export function validityDurationMs(cert: Pick<Certificate, 'validity'>): number {
  return Date.parse(cert.validity.expires_at) - Date.parse(cert.validity.issued_at)
}

/**
 * Reserve ÷ containment bound, exactly; `undefined` when there is no bound, the denominations differ, or the bound is zero.
 * @example reserveCoverage(cert, bound) // { num: 150000n, den: 50000n }
 */
export function reserveCoverage(cert: Pick<Certificate, 'reserve'>, bound: ContainmentBound | undefined): Rational | undefined {
  if (!bound || bound.denomination !== cert.reserve.denomination || parseDecimal(bound.amount).num === 0n) return undefined
  return divideDecimal(cert.reserve.amount, bound.amount)
}

/**
 * True when the reserve covers the bound `min` times (a zero bound is covered by any reserve).
 * @example reserveCovers(cert, bound, 3n) // true for 150000 over 50000
 */
export function reserveCovers(cert: Pick<Certificate, 'reserve'>, bound: ContainmentBound | undefined, min: bigint): boolean {
  if (!bound || bound.denomination !== cert.reserve.denomination) return false
  const coverage = reserveCoverage(cert, bound)
  if (!coverage) return true
  return compareRational(coverage, { num: min, den: 1n }) >= 0
}

/**
 * An attestation counts as staked off chain when its stake is a positive amount in a valid stake contract address.
 * @example isStakedAttestation({ stake_amount: '1500', stake_contract: '0xe786…', … }) // true
 */
export function isStakedAttestation(attestation: Pick<Attestation, 'stake_amount' | 'stake_contract'>): boolean {
  return isPositiveDecimal(attestation.stake_amount) && isValidAddress(attestation.stake_contract)
}

/**
 * An attestation counts toward a class only when its auditor is neither the operator nor the agent (compared
 * case-insensitively): the registry refuses such a publish (`AuditorNotIndependent`), and nobody audits themselves.
 * @example isIndependentAttestation(cert, { auditor_id: cert.identity.operator_id }) // false
 */
export function isIndependentAttestation(cert: Pick<Certificate, 'identity'>, attestation: Pick<Attestation, 'auditor_id'>): boolean {
  const auditor = String(attestation.auditor_id).toLowerCase()
  return auditor !== String(cert.identity.operator_id).toLowerCase() && auditor !== String(cert.identity.agent_id).toLowerCase()
}

/**
 * Whether every rule of `certificateClass` holds: validity at most the class maximum, reserve ratio at least the
 * class minimum, a staked attestation for C2+, an attestation scoped to composition analysis for C3; the attestations
 * must be by auditors other than the operator and the agent.
 * @example classRulesHold(cert, 'C2', bound) // true for a 60-day, 3×-reserve, staked-attested certificate
 */
export function classRulesHold(cert: Certificate, certificateClass: CertificateClass, bound: ContainmentBound | undefined): boolean {
  if (validityDurationMs(cert) > classMaxValidityMs(certificateClass)) return false
  if (!reserveCovers(cert, bound, CLASS_MIN_RESERVE_RATIO[certificateClass])) return false
  const independent = cert.attestations.filter((a) => isIndependentAttestation(cert, a))
  if (CLASS_REQUIRES_ATTESTATION[certificateClass] && !independent.some(isStakedAttestation)) return false
  if (CLASS_REQUIRES_COMPOSITION_ANALYSIS[certificateClass] && !independent.some((a) => COMPOSITION_SCOPES.includes(a.scope))) return false
  return true
}
