import type { SqlExecutor } from './database.ts'

/**
 * The verify-agent decisions cache of `serve` in SQL: one row per (agent, policy), with the certificate it judged, the
 * block it reflects and the newest event id known when it was computed. A row stays good until a `certificate` event
 * (appended by the watcher) concerns its certificate or its agent (or, for a decision the concentration check could
 * change, any certificate), or until `stale_at` (expiry, issuance or the policy's maximum age) passes.
 */
export type StoredDecision = {
  key: string
  agent: string
  certHash: string | null
  block: bigint
  eventId: string
  staleAt: Date | null
  /** the decision depends on the registry's whole active set (concentration thresholds): any certificate event drops it */
  anyChange: boolean
  result: unknown
}

type DecisionRow = { key: string; agent: string; cert_hash: string | null; block: string; event_id: string; stale_at: Date | null; any_change: boolean; result: unknown }

/**
 * Stores (or replaces) a decision.
 * @example await saveDecision(db, { key, agent, certHash, block: 42n, eventId: '17', staleAt, anyChange: false, result })
 */
export async function saveDecision(db: SqlExecutor, d: StoredDecision): Promise<void> {
  await db.query(
    `insert into verify_decisions (key, agent, cert_hash, block, event_id, stale_at, any_change, result, computed_at) values ($1, $2, $3, $4, $5, $6, $7, $8::json, now())
     on conflict (key) do update set agent = excluded.agent, cert_hash = excluded.cert_hash, block = excluded.block, event_id = excluded.event_id,
       stale_at = excluded.stale_at, any_change = excluded.any_change, result = excluded.result, computed_at = excluded.computed_at`,
    [d.key, d.agent.toLowerCase(), d.certHash?.toLowerCase() ?? null, d.block.toString(), d.eventId, d.staleAt, d.anyChange, JSON.stringify(d.result)],
  )
}

/**
 * A stored decision that is still good at `now`: no certificate event after it concerns its certificate or agent (an
 * event naming no agent may concern any; for an `anyChange` row every certificate event counts), and `now` is before
 * its `stale_at`. Undefined otherwise.
 * @example const hit = await loadDecision(db, key, new Date())
 */
export async function loadDecision(db: SqlExecutor, key: string, now: Date): Promise<StoredDecision | undefined> {
  const rows = await db.query<DecisionRow>(
    `select d.* from verify_decisions d
     where d.key = $1 and (d.stale_at is null or d.stale_at > $2)
       and not exists (select 1 from events e where e.id > d.event_id and e.kind = 'certificate'
         and (d.any_change or lower(e.subject) = d.cert_hash or e.payload->>'agent' is null or lower(e.payload->>'agent') = d.agent))`,
    [key, now],
  )
  const row = rows[0]
  return row && { key: row.key, agent: row.agent, certHash: row.cert_hash, block: BigInt(row.block), eventId: row.event_id, staleAt: row.stale_at && new Date(row.stale_at), anyChange: row.any_change, result: row.result }
}

/**
 * Drops the decisions a registry change touches: those of a certificate, of an agent, and every `anyChange` one
 * (`all`: every decision, for a change whose agent is unknown).
 * @example await dropDecisions(db, { certHash: '0x18f5…', agent: '0x3C44…' })
 */
export async function dropDecisions(db: SqlExecutor, changed: { certHash?: string | undefined; agent?: string | undefined; all?: boolean }): Promise<void> {
  if (changed.all) await db.query('delete from verify_decisions')
  else await db.query('delete from verify_decisions where any_change or cert_hash = $1 or agent = $2', [changed.certHash?.toLowerCase() ?? null, changed.agent?.toLowerCase() ?? null])
}

/**
 * The newest event id of the log ('0' when empty): where a decision computed now starts to be checked from.
 * @example const eventId = await newestEventId(db)
 */
export async function newestEventId(db: SqlExecutor): Promise<string> {
  const rows = await db.query<{ id: string | null }>('select max(id) as id from events')
  return rows[0]?.id ?? '0'
}
