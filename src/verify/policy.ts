import { compareDecimal } from '../certificate/decimal.ts'
import type { Certificate } from '../schema/certificate.ts'
import type { RiskPolicy } from '../schema/policy.ts'
import type { Reason } from './reasons.ts'

const CLASS_RANK = { C1: 1, C2: 2, C3: 3 } as const
const DAY_MS = 86_400_000

/**
 * Applies a counterparty's risk policy to a certificate (seed 004 "Evaluate"): every mismatch is a `reject` reason.
 * @example applyPolicy(cert, { min_class: 'C2' }, now) // [] when the certificate is C2 or C3
 */
export function applyPolicy(cert: Certificate, policy: RiskPolicy, now: Date): Reason[] {
  const reasons: Reason[] = []
  const reject = (code: string, message: string) => reasons.push({ stage: 'policy', code, effect: 'reject', message })
  const klass = cert.derived_metrics.certificate_class
  if (policy.min_class && CLASS_RANK[klass] < CLASS_RANK[policy.min_class]) reject('POLICY_MIN_CLASS', `class ${klass} is below the policy's minimum ${policy.min_class}`)
  if (policy.max_acceptable_loss !== undefined && compareDecimal(cert.derived_metrics.containment_bound, policy.max_acceptable_loss) > 0) {
    reject('POLICY_MAX_LOSS', `containment bound ${cert.derived_metrics.containment_bound} ${cert.derived_metrics.containment_bound_denomination} exceeds the acceptable loss ${policy.max_acceptable_loss}`)
  }
  for (const type of policy.required_constraint_types ?? []) {
    if (!cert.constraints.some((c) => c.type === type && c.agent_independent)) reject('POLICY_CONSTRAINT_MISSING', `no agent-independent ${type} constraint`)
  }
  const auditors = cert.attestations.map((a) => a.auditor_id.toLowerCase())
  if (policy.allowed_auditors) {
    const allowed = policy.allowed_auditors.map((a) => a.toLowerCase())
    for (const auditor of auditors) if (!allowed.includes(auditor)) reject('POLICY_AUDITOR_NOT_ALLOWED', `auditor ${auditor} is not in the policy's allowed list`)
  }
  for (const denied of policy.denied_auditors ?? []) {
    if (auditors.includes(denied.toLowerCase())) reject('POLICY_AUDITOR_DENIED', `auditor ${denied} is denied by the policy`)
  }
  if (policy.min_reserve_ratio !== undefined && cert.reserve.reserve_ratio < policy.min_reserve_ratio) {
    reject('POLICY_RESERVE_RATIO', `reserve ratio ${cert.reserve.reserve_ratio}× is below the policy's ${policy.min_reserve_ratio}×`)
  }
  if (policy.max_age_days !== undefined) {
    const ageDays = (now.getTime() - Date.parse(cert.validity.issued_at)) / DAY_MS
    if (ageDays > policy.max_age_days) reject('POLICY_MAX_AGE', `issued ${ageDays.toFixed(1)} days ago, the policy accepts at most ${policy.max_age_days}`)
  }
  return reasons
}
