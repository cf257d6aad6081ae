import type { SqlExecutor } from './database.ts'
import type { BridgeEvent } from './events.ts'

type EventRow = { id: string; kind: BridgeEvent['kind']; subject: string; payload: Record<string, unknown>; block: string | null; created_at: Date }

/**
 * The events of one subject (a certHash or `<cluster>/<era>`, lower case as the writers store them), oldest first:
 * a certificate's history on the registry.
 * @example const history = await subjectEvents(db, 'certificate', '0x18f5…')
 */
export async function subjectEvents(db: SqlExecutor, kind: BridgeEvent['kind'], subject: string, limit = 200): Promise<BridgeEvent[]> {
  const rows = await db.query<EventRow>('select * from events where kind = $1 and subject = $2 order by id limit $3', [kind, subject.toLowerCase(), limit])
  return rows.map((row) => ({ id: row.id, kind: row.kind, subject: row.subject, payload: row.payload, block: row.block === null ? null : BigInt(row.block), createdAt: new Date(row.created_at) }))
}
