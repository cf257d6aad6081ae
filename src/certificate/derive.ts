import { BridgeError } from '../errors.ts'
import type { Certificate, CertificateClass, DerivedMetrics, DerivedMetricsSection, SpendingLimitConstraint } from '../schema/certificate.ts'
import { CLASSES } from './classes.ts'
import { classRulesHold, type ContainmentBound } from './class-rules.ts'
import { compareDecimal } from './decimal.ts'

/**
 * The containment bound: the smallest amount among the agent-independent SPENDING_LIMITs (seed 003: "the tightest").
 * Limits are compared within one denomination: the reserve's when a limit uses it, else the first limit's.
 * @example containmentBound(cert) // { amount: '50000', denomination: 'USDC', index: 0 }
 */
export function containmentBound(cert: Pick<Certificate, 'constraints' | 'reserve'>): ContainmentBound | undefined {
  const limits = agentIndependentSpendingLimits(cert)
  if (limits.length === 0) return undefined
  const denomination = limits.some(({ limit }) => limit.value.denomination === cert.reserve.denomination)
    ? cert.reserve.denomination
    : limits[0]!.limit.value.denomination
  let best: ContainmentBound | undefined
  for (const { limit, index } of limits) {
    if (limit.value.denomination !== denomination) continue
    if (!best || compareDecimal(limit.value.amount, best.amount) < 0) best = { amount: limit.value.amount, denomination, index }
  }
  return best
}

/**
 * Every SPENDING_LIMIT with `agent_independent: true`, with its index in `constraints`.
 * @example agentIndependentSpendingLimits(cert).map((l) => l.index) // [0]
 */
export function agentIndependentSpendingLimits(cert: Pick<Certificate, 'constraints'>): { limit: SpendingLimitConstraint; index: number }[] {
  return cert.constraints.flatMap((constraint, index) =>
    constraint.type === 'SPENDING_LIMIT' && constraint.agent_independent === true ? [{ limit: constraint, index }] : [],
  )
}

/**
 * The highest class whose rules all hold, or NONE when not even C1's do.
 * @example highestSupportedClass(cert) // 'C2'
 */
export function highestSupportedClass(cert: Certificate, bound = containmentBound(cert)): CertificateClass | 'NONE' {
  for (const certificateClass of [...CLASSES].reverse()) if (classRulesHold(cert, certificateClass, bound)) return certificateClass
  return 'NONE'
}

/**
 * The derived_metrics of a certificate computed from its constraints, reserve, validity and attestations,
 * so an operator never writes them by hand. Only `agent_independent: true` layers count toward the bound.
 * @example deriveMetrics(cert) // { containment_bound: '50000', containment_bound_denomination: 'USDC', agent_independent_layer_count: 3, agent_influenceable_layer_count: 0, certificate_class: 'C2' }
 */
export function deriveMetrics(cert: Certificate): DerivedMetrics {
  const bound = containmentBound(cert)
  const independent = cert.constraints.filter((c) => c.agent_independent === true).length
  return {
    containment_bound: bound?.amount ?? null,
    containment_bound_denomination: bound?.denomination ?? null,
    agent_independent_layer_count: independent,
    agent_influenceable_layer_count: cert.constraints.length - independent,
    certificate_class: highestSupportedClass(cert, bound),
  }
}

/**
 * The derived metrics as a document's `derived_metrics` section; a check error (kind `check`) when there is no containment
 * bound (no agent-independent SPENDING_LIMIT) or not even class C1's rules hold, since the section cannot say so.
 * @example cert.derived_metrics = derivedMetricsSection(cert)
 */
export function derivedMetricsSection(cert: Certificate, derived: DerivedMetrics = deriveMetrics(cert)): DerivedMetricsSection {
  if (derived.containment_bound === null || derived.containment_bound_denomination === null) {
    throw new BridgeError('NO_CONTAINMENT_BOUND', 'no agent-independent SPENDING_LIMIT, so there is no containment bound to state', { path: '$.constraints', kind: 'check' })
  }
  if (derived.certificate_class === 'NONE') {
    throw new BridgeError('NO_SUPPORTED_CLASS', 'not even the rules of class C1 hold (validity at most 90 days, reserve at least 1x the bound in its denomination)', {
      path: '$.derived_metrics.certificate_class',
      kind: 'check',
    })
  }
  return {
    containment_bound: derived.containment_bound,
    containment_bound_denomination: derived.containment_bound_denomination,
    agent_independent_layer_count: derived.agent_independent_layer_count,
    agent_influenceable_layer_count: derived.agent_influenceable_layer_count,
    certificate_class: derived.certificate_class,
  }
}
