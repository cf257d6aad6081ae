import type { z } from 'zod'
import { certificateSchema, type Certificate, type CertificateStatus, type DerivedMetrics } from '../schema/certificate.ts'
import { illFormedStringPath } from '../json/ill-formed-string.ts'
import { jsonPath } from '../schema/json-path.ts'
import { zodIssues } from '../schema/zod-issues.ts'
import { containmentBound, deriveMetrics } from './derive.ts'
import { RULES, type RuleViolation } from './rules/index.ts'
import { certificateStatus } from './status.ts'

export type { RuleViolation } from './rules/index.ts'

/**
 * The verdict on a certificate: every violation found, the parsed certificate when the schema holds, the derived metrics
 * and the status at `now` when the rules could run. `checked` is false when schema errors kept the rules from running
 * (the CLI exits 2 then: the document could not be checked as a certificate).
 */
export type CertificateValidation = {
  valid: boolean
  checked: boolean
  errors: RuleViolation[]
  certificate?: Certificate
  derived?: DerivedMetrics
  status?: CertificateStatus
}

export type ValidateOptions = { chainId?: number | undefined; now?: Date | undefined }

/**
 * Validates a parsed JSON value as a CCP v0.2.0 certificate and reports ALL violations with their stable codes.
 * Schema errors in fields no rule reads (names, signatures, report hashes, disclosures, metadata, unknown fields) do not stop the rules.
 * @example validateCertificate(JSON.parse(text), { chainId: 31337, now: new Date('2026-05-01T00:00:00Z') }) // { valid: true, errors: [], … }
 */
export function validateCertificate(input: unknown, options: ValidateOptions = {}): CertificateValidation {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    const got = input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input
    return { valid: false, checked: false, errors: [{ code: 'SCHEMA', path: '$', message: `expected a certificate as a JSON object, got ${got}` }] }
  }
  // a string with a lone surrogate has no UTF-8 form: the certificate could be neither hashed (RFC 8785) nor stored
  const illFormed = illFormedStringPath(input)
  if (illFormed) {
    return { valid: false, checked: false, errors: [{ code: 'SCHEMA', path: jsonPath(illFormed), message: 'a lone UTF-16 surrogate in a string: strings must be valid Unicode (RFC 8785 hashes UTF-8)' }] }
  }
  const parsed = certificateSchema.safeParse(input)
  const schemaErrors: RuleViolation[] = parsed.success ? [] : zodIssues(parsed.error).map((issue) => ({ code: 'SCHEMA', ...issue }))
  const rulesCanRun = parsed.success || parsed.error.issues.every((issue) => issueIsOutsideRuleInputs(issue, input))
  if (!rulesCanRun) return { valid: false, checked: false, errors: schemaErrors }
  const cert = parsed.success ? parsed.data : (input as Certificate)
  const bound = containmentBound(cert)
  const derived = deriveMetrics(cert)
  const ruleErrors = RULES.flatMap((rule) => rule(cert, { chainId: options.chainId, bound, derived }))
  const errors = [...schemaErrors, ...ruleErrors]
  return {
    valid: errors.length === 0,
    checked: true,
    errors,
    ...(parsed.success ? { certificate: parsed.data } : {}),
    derived,
    ...(options.now ? { status: certificateStatus(cert, options.now) } : {}),
  }
}

/** Fields no rule reads: a schema error there still lets every rule run on the rest. */
const OUTSIDE_RULE_INPUTS = [
  /^\$\.identity\.(agent_name|operator_name)$/,
  /^\$\.validity\.status$/,
  /^\$\.dependency_disclosure([.[]|$)/,
  /^\$\.operator_metadata([.[]|$)/,
  /^\$\.attestations\[\d+\]\.(signature|report_hash|auditor_name)$/,
  /^\$\.constraints\[\d+\]\.(formally_verified|enforcement\.(mechanism|function_selector))$/,
  /^\$\.reserve\.lock_mechanism$/,
]

function issueIsOutsideRuleInputs(issue: z.core.$ZodIssue, input: object): boolean {
  if (issue.code === 'unrecognized_keys') return true
  const path = jsonPath(issue.path)
  if (OUTSIDE_RULE_INPUTS.some((pattern) => pattern.test(path))) return true
  // the value of a constraint other than SPENDING_LIMIT is read by no rule (its type and flags are)
  const [section, index, field] = issue.path
  if (section === 'constraints' && typeof index === 'number' && field === 'value') {
    const constraint = (input as { constraints?: unknown[] }).constraints?.[index] as { type?: unknown } | undefined
    return typeof constraint?.type === 'string' && constraint.type !== 'SPENDING_LIMIT' && KNOWN_TYPES.has(constraint.type)
  }
  return false
}

const KNOWN_TYPES = new Set(['MULTI_SIG', 'KILL_SWITCH', 'TIME_LOCK', 'PERMISSION_BOUNDARY', 'EXECUTION_ENVIRONMENT', 'REVERSIBILITY_WINDOW'])
