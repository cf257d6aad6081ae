import type { SqlDatabase, SqlExecutor } from './database.ts'

/**
 * The event log behind `/v1/events`: certificate status changes (written by the watcher) and era verdicts (written by
 * the era follower), in one table with a growing id. Appending also NOTIFYs the database's event channel (delivered
 * at commit), so a server in another process streams the event at once.
 */
export type BridgeEvent = {
  id: string
  /** `certificate` (status change of a certHash) or `era` (a cluster-era's verdict) */
  kind: 'certificate' | 'era'
  /** the certHash, or `<cluster>/<era>` */
  subject: string
  payload: Record<string, unknown>
  /** the chain block the event reflects, when it comes from one */
  block: bigint | null
  createdAt: Date
}

type EventRow = { id: string; kind: BridgeEvent['kind']; subject: string; payload: Record<string, unknown>; block: string | null; created_at: Date }

/** The NOTIFY channel of a database's event log (one per schema, so deployments sharing a server stay apart). */
export function eventChannel(db: Pick<SqlExecutor, 'schema'>): string {
  return db.schema ? `ccp_bridge_events_${db.schema}` : 'ccp_bridge_events'
}

/**
 * Appends an event (inside the caller's transaction when `db` is one) and wakes every listener.
 * @example await appendEvent(db, { kind: 'era', subject: '0x0d14…/412', payload: { verdict: 'balanced' }, block: 12n })
 */
export async function appendEvent(db: SqlExecutor, event: Pick<BridgeEvent, 'kind' | 'subject' | 'payload'> & { block?: bigint | null }): Promise<string> {
  const rows = await db.query<{ id: string }>('insert into events (kind, subject, payload, block) values ($1, $2, $3::jsonb, $4) returning id', [
    event.kind,
    event.subject,
    JSON.stringify(event.payload, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
    event.block?.toString() ?? null,
  ])
  const id = rows[0]!.id
  await db.query('select pg_notify($1, $2)', [eventChannel(db), id])
  return id
}

/**
 * Events after `afterId` (exclusive), oldest first: how a stream resumes (SSE `Last-Event-ID`).
 * @example const missed = await eventsAfter(db, '41', 100)
 */
export async function eventsAfter(db: SqlExecutor, afterId: string, limit = 500): Promise<BridgeEvent[]> {
  const rows = await db.query<EventRow>('select * from events where id > $1 order by id limit $2', [afterId, limit])
  return rows.map((row) => ({ id: row.id, kind: row.kind, subject: row.subject, payload: row.payload, block: row.block === null ? null : BigInt(row.block), createdAt: new Date(row.created_at) }))
}

/**
 * Calls `onWake` whenever an event is appended by any process on the database; returns the unsubscribe function.
 * @example const stop = await onEventAppended(db, () => void drain())
 */
export function onEventAppended(db: SqlDatabase, onWake: (id: string) => void): Promise<() => Promise<void>> {
  return db.listen(eventChannel(db), onWake)
}
