import type { TrailResult, TrailUploadFormat } from '../../src/schema/api-trail.ts'
import type { TrailReport } from '../../src/schema/evidence-trail.ts'
import type { SqlExecutor } from './database.ts'

type TrailRow = { id: string; key_id: string; format: TrailUploadFormat; bytes: string; sha256: string; ok: boolean; report: TrailReport; created_at: Date }

/**
 * Stores the report of a verified trail upload (who uploaded it by key id, its size and SHA-256) and returns it as the API shows it.
 * @example const stored = await saveTrailReport(db, { id: randomUUID(), keyId, format: 'scp-jsonl', bytes: 1234, sha256, report })
 */
export async function saveTrailReport(db: SqlExecutor, entry: Omit<TrailResult, 'createdAt'>): Promise<TrailResult> {
  const rows = await db.query<TrailRow>('insert into trail_reports (id, key_id, format, bytes, sha256, ok, report) values ($1, $2, $3, $4, $5, $6, $7::json) returning *', [
    entry.id,
    entry.keyId,
    entry.format,
    entry.bytes,
    entry.sha256,
    entry.report.ok,
    JSON.stringify(entry.report),
  ])
  return fromRow(rows[0]!)
}

/**
 * A stored trail report by id, or undefined.
 * @example const result = await getTrailReport(db, id)
 */
export async function getTrailReport(db: SqlExecutor, id: string): Promise<TrailResult | undefined> {
  const rows = await db.query<TrailRow>('select * from trail_reports where id = $1', [id])
  return rows[0] && fromRow(rows[0])
}

function fromRow(row: TrailRow): TrailResult {
  return { id: row.id, keyId: row.key_id, format: row.format, bytes: Number(row.bytes), sha256: row.sha256, createdAt: new Date(row.created_at).toISOString(), report: row.report }
}
