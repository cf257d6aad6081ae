import type { Address } from '../../src/ports.ts'
import type { DecisionResponse } from '../../src/schema/api-decision.ts'
import type { RiskPolicy } from '../../src/schema/policy.ts'
import type { VerifyAgentResult } from '../../src/verify/verify-agent.ts'
import type { SqlDatabase } from '../sql/database.ts'
import { dropDecisions, loadDecision, newestEventId, saveDecision } from '../sql/verify-decisions.ts'
import { failureFields, type Logger } from './log.ts'
import type { ServiceMetrics } from './metrics.ts'

/** A decision as cached: the answer without what each request adds (the block it reflects now, `cached`, `asOf`). */
export type CachedDecision = Omit<DecisionResponse, 'block' | 'cached' | 'asOf'>

/** What the registry changed, as the watcher's events say: a certificate, an agent, or (unknown) anything. */
export type RegistryChange = { certHash?: string | undefined; agent?: string | undefined; all?: boolean }

/** Runs verify-agent for an agent and policy: the result, and the block the registry was read at. */
export type ComputeDecision = (agent: Address, policy: RiskPolicy, now: Date) => Promise<{ result: VerifyAgentResult; block: bigint }>

type Entry = { agent: string; certHash: string | null; decision: CachedDecision; block: bigint; staleAt: number; anyChange: boolean; json?: string }

const DAY_MS = 86_400_000

/**
 * The verify-agent decisions cache of `serve`: in memory (the warm path: no SQL, no RPC) over the `verify_decisions`
 * table (shared by processes on one PostgreSQL, kept across restarts), per agent and policy, keyed to the certificate
 * judged. `invalidate` drops what a registry change touches (the watcher's events feed it); a decision is also dropped
 * when time alone could change it (expiry, issuance, the policy's maximum age) and after `maxAgeMs` at the latest. A
 * decision computed while a change arrived is answered but not kept, so the cache never holds one older than the events seen.
 * @example const d = await cache.decide(agent, policy, now); d.decision.decision // 'accept'
 */
export class DecisionCache {
  private readonly entries = new Map<string, Entry>()
  private readonly inflight = new Map<string, Promise<{ entry: Entry; cached: boolean }>>()
  /** grows with every invalidation: a computation that saw it move keeps its answer out of the cache */
  private epoch = 0

  constructor(
    private readonly options: {
      db: SqlDatabase
      compute: ComputeDecision
      metrics: ServiceMetrics
      log: Logger
      /** the longest a decision is kept, whatever happens (default 10 minutes) */
      maxAgeMs?: number
      /** the most decisions kept in memory (default 10000; the oldest go first) */
      maxEntries?: number
    },
  ) {}

  /**
   * The decision for an agent under a policy at `now`: from memory, else from SQL, else computed (concurrent requests
   * for the same key share one computation). `block` is the block the decision was computed at; callers report
   * the newer of it and the watcher's head (every change up to the head has been applied). `json` is the decision
   * serialized, once per cached entry (the warm path's largest cost after the socket is writing the same text again).
   */
  async decide(agent: Address, policy: RiskPolicy, now: Date): Promise<{ decision: CachedDecision; json: string; block: bigint; cached: boolean }> {
    const key = `${agent.toLowerCase()}|${policyKey(policy)}`
    const hit = this.entries.get(key)
    if (hit && now.getTime() < hit.staleAt) {
      this.entries.delete(key)
      this.entries.set(key, hit)
      this.options.metrics.decisionCache.inc({ result: 'memory' })
      return { decision: hit.decision, json: (hit.json ??= JSON.stringify(hit.decision)), block: hit.block, cached: true }
    }
    if (hit) this.entries.delete(key)
    let pending = this.inflight.get(key)
    if (!pending) {
      pending = this.load(key, agent, policy, now).finally(() => this.inflight.delete(key))
      this.inflight.set(key, pending)
    }
    const { entry, cached } = await pending
    return { decision: entry.decision, json: (entry.json ??= JSON.stringify(entry.decision)), block: entry.block, cached }
  }

  /**
   * Drops every decision a registry change touches (its certificate, its agent, and every decision the concentration
   * check could change), in memory and in SQL.
   * @example cache.invalidate({ certHash: '0x18f5…', agent: '0x3C44…' })
   */
  invalidate(change: RegistryChange): void {
    this.epoch++
    const certHash = change.certHash?.toLowerCase()
    const agent = change.agent?.toLowerCase()
    for (const [key, e] of this.entries) {
      if (change.all || e.anyChange || (certHash !== undefined && e.certHash === certHash) || (agent !== undefined && e.agent === agent)) {
        this.entries.delete(key)
        this.options.metrics.decisionInvalidations.inc()
      }
    }
    dropDecisions(this.options.db, change).catch((error) => this.options.log.log('warn', 'decisions', 'cannot drop cached decisions in SQL (they are checked against the event log when read)', failureFields(error)))
  }

  /** The number of decisions held in memory. */
  get size(): number {
    return this.entries.size
  }

  private async load(key: string, agent: Address, policy: RiskPolicy, now: Date): Promise<{ entry: Entry; cached: boolean }> {
    const epoch = this.epoch
    const stored = await loadDecision(this.options.db, key, now)
    if (stored) {
      const entry: Entry = { agent: stored.agent, certHash: stored.certHash, decision: stored.result as CachedDecision, block: stored.block, staleAt: stored.staleAt?.getTime() ?? Number.POSITIVE_INFINITY, anyChange: stored.anyChange }
      if (epoch === this.epoch) this.keep(key, entry)
      this.options.metrics.decisionCache.inc({ result: 'sql' })
      return { entry, cached: true }
    }
    const eventId = await newestEventId(this.options.db)
    const { result, block } = await this.options.compute(agent, policy, now)
    this.options.metrics.decisionCache.inc({ result: 'computed' })
    const decision = cachedDecision(result, policy, block)
    const staleAt = Math.min(now.getTime() + (this.options.maxAgeMs ?? 600_000), timeBoundary(result, policy, now))
    const anyChange = policy.max_auditor_share !== undefined || policy.max_contract_share !== undefined
    const entry: Entry = { agent: agent.toLowerCase(), certHash: result.certHash?.toLowerCase() ?? null, decision, block, staleAt, anyChange }
    // an inconclusive run (a document not found, say) is answered, never kept: the next request tries again
    if (result.decision !== 'could-not-check' && epoch === this.epoch) {
      this.keep(key, entry)
      await saveDecision(this.options.db, { key, agent: entry.agent, certHash: entry.certHash, block, eventId, staleAt: new Date(staleAt), anyChange, result: decision }).catch((error) =>
        this.options.log.log('warn', 'decisions', 'cannot store a decision in SQL (it stays cached in memory)', failureFields(error)),
      )
    }
    return { entry, cached: false }
  }

  private keep(key: string, entry: Entry): void {
    this.entries.set(key, entry)
    const max = this.options.maxEntries ?? 10_000
    while (this.entries.size > max) this.entries.delete(this.entries.keys().next().value!)
  }
}

/**
 * A policy as a cache key: its fields in a fixed order, so `{a, b}` and `{b, a}` share decisions.
 * @example policyKey({ min_class: 'C2' }) // '{"min_class":"C2"}'
 */
export function policyKey(policy: RiskPolicy): string {
  return JSON.stringify(Object.fromEntries(Object.entries(policy).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1))))
}

/** The decision as the API reports it, from the verify-agent result. */
function cachedDecision(r: VerifyAgentResult, policy: RiskPolicy, block: bigint): CachedDecision {
  const c = r.certificate
  return {
    agent: r.agent,
    decision: r.decision,
    reasons: r.reasons,
    certHash: r.certHash ?? null,
    uri: r.uri ?? null,
    status: r.status ?? null,
    registryStatus: r.record?.status ?? null,
    certificate: c
      ? {
          certificateClass: c.derived_metrics.certificate_class,
          containmentBound: c.derived_metrics.containment_bound,
          denomination: c.derived_metrics.containment_bound_denomination,
          issuedAt: c.validity.issued_at,
          expiresAt: c.validity.expires_at,
          agentName: c.identity.agent_name ?? null,
          operatorName: c.identity.operator_name ?? null,
        }
      : null,
    concentration: r.concentration ?? null,
    policy,
    computedAtBlock: block.toString(),
  }
}

/**
 * The first moment after `now` at which time alone can change the decision: the certificate's issuance (while not yet
 * valid) and expiry, and its issuance plus the policy's maximum age. Infinity when none lies ahead.
 */
function timeBoundary(r: VerifyAgentResult, policy: RiskPolicy, now: Date): number {
  const c = r.certificate
  if (!c) return Number.POSITIVE_INFINITY
  const issued = Date.parse(c.validity.issued_at)
  const moments = [issued, Date.parse(c.validity.expires_at)]
  if (policy.max_age_days !== undefined) moments.push(issued + policy.max_age_days * DAY_MS)
  const ahead = moments.filter((t) => Number.isFinite(t) && t > now.getTime())
  return ahead.length ? Math.min(...ahead) : Number.POSITIVE_INFINITY
}
