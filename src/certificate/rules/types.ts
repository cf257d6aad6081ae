import { excerpt } from '../../errors.ts'
import { MAX_ECHO_CHARS } from '../../limits.ts'
import type { Certificate, DerivedMetrics } from '../../schema/certificate.ts'
import type { ContainmentBound } from '../class-rules.ts'

/**
 * One broken rule: a stable code, the JSON path it is about, a one-line message.
 * @example { code: 'EXPIRY_EXCEEDS_CLASS_MAX', path: '$.validity.expires_at', message: 'valid for 61 days, C2 allows at most 60' }
 */
export type RuleViolation = { code: RuleCode; path: string; message: string }

/** What every rule may use besides the certificate: the deployment chain and the metrics derived once. */
export type RuleContext = { chainId?: number | undefined; bound: ContainmentBound | undefined; derived: DerivedMetrics }

/** A rule: returns every violation it finds (empty when it holds). */
export type Rule = (cert: Certificate, context: RuleContext) => RuleViolation[]

export const RULE_CODES = [
  'SCHEMA',
  'VERSION_UNSUPPORTED',
  'CERTIFICATE_ID_NOT_UUID_V4',
  'ADDRESS_INVALID',
  'CHAIN_ID_MISMATCH',
  'VALIDITY_WINDOW_INVALID',
  'EXPIRY_EXCEEDS_CLASS_MAX',
  'NO_AGENT_INDEPENDENT_CONSTRAINT',
  'RESERVE_NOT_EXOGENOUS',
  'RESERVE_RATIO_MISMATCH',
  'RESERVE_RATIO_BELOW_CLASS_MIN',
  'ATTESTATION_REQUIRED',
  'COMPOSITION_ANALYSIS_REQUIRED',
  'AUDITOR_NOT_STAKED',
  'AUDITOR_DUPLICATE',
  'AUDITOR_NOT_INDEPENDENT',
  'CONTAINMENT_BOUND_MISMATCH',
  'LAYER_COUNT_MISMATCH',
  'CLASS_NOT_SUPPORTED_BY_RULES',
  'DENOMINATION_MISMATCH',
] as const
/** The stable codes of the certificate rules (issue 2). */
export type RuleCode = (typeof RULE_CODES)[number]

/**
 * Shorthand for one violation; the path and message are bounded excerpts (a huge input value is never echoed whole).
 * @example violation('RESERVE_NOT_EXOGENOUS', '$.reserve.exogenous', 'the reserve is not exogenous')
 */
export function violation(code: RuleCode, path: string, message: string): RuleViolation {
  return { code, path: excerpt(path, MAX_ECHO_CHARS), message: excerpt(message, 5 * MAX_ECHO_CHARS) }
}
