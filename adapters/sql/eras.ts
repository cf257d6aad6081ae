import type { SqlExecutor } from './database.ts'

/** A stored era reconciliation: the `reconcile --json` result, its HTML report, and where the events came from. */
export type StoredEra = {
  clusterId: string
  era: number
  verdict: 'balanced' | 'discrepancies' | 'incomplete'
  result: unknown
  html: string | null
  /** `node ws://…` or `files …`: what was read */
  source: string
  /** the block whose ClusterEraPaid closed the era, when known */
  block: bigint | null
  reconciledAt: Date
}

type EraRow = { cluster_id: string; era: string; verdict: StoredEra['verdict']; result: unknown; html: string | null; source: string; block: string | null; reconciled_at: Date }

/**
 * Stores (or replaces) the reconciliation of one cluster-era. Returns whether the row is new and whether its verdict
 * changed, so a follower publishes an event only for news.
 * @example await saveEra(db, { clusterId: '0x0d14…', era: 412, verdict: 'balanced', result, html, source: 'node ws://…', block: 12n })
 */
export async function saveEra(db: SqlExecutor, era: Omit<StoredEra, 'reconciledAt'>): Promise<{ inserted: boolean; verdictChanged: boolean }> {
  const before = await db.query<{ verdict: string }>('select verdict from eras where cluster_id = $1 and era = $2', [era.clusterId.toLowerCase(), era.era])
  await db.query(
    `insert into eras (cluster_id, era, verdict, result, html, source, block, reconciled_at) values ($1, $2, $3, $4::jsonb, $5, $6, $7, now())
     on conflict (cluster_id, era) do update set verdict = excluded.verdict, result = excluded.result, html = excluded.html,
       source = excluded.source, block = excluded.block, reconciled_at = excluded.reconciled_at`,
    [era.clusterId.toLowerCase(), era.era, era.verdict, JSON.stringify(era.result, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)), era.html, era.source, era.block?.toString() ?? null],
  )
  return { inserted: before.length === 0, verdictChanged: before[0]?.verdict !== era.verdict }
}

/**
 * The stored reconciliation of one cluster-era, or undefined.
 * @example const era = await getEra(db, '0x0d14…', 412)
 */
export async function getEra(db: SqlExecutor, clusterId: string, era: number): Promise<StoredEra | undefined> {
  const rows = await db.query<EraRow>('select * from eras where cluster_id = $1 and era = $2', [clusterId.toLowerCase(), era])
  return rows[0] && fromRow(rows[0])
}

/**
 * Stored reconciliations, newest era first (optionally of one cluster).
 * @example const recent = await listEras(db, { limit: 20 })
 */
export async function listEras(db: SqlExecutor, options: { clusterId?: string; limit?: number } = {}): Promise<StoredEra[]> {
  const rows = options.clusterId
    ? await db.query<EraRow>('select * from eras where cluster_id = $1 order by era desc limit $2', [options.clusterId.toLowerCase(), options.limit ?? 100])
    : await db.query<EraRow>('select * from eras order by reconciled_at desc, cluster_id, era desc limit $1', [options.limit ?? 100])
  return rows.map(fromRow)
}

function fromRow(row: EraRow): StoredEra {
  return {
    clusterId: row.cluster_id,
    era: Number(row.era),
    verdict: row.verdict,
    result: row.result,
    html: row.html,
    source: row.source,
    block: row.block === null ? null : BigInt(row.block),
    reconciledAt: new Date(row.reconciled_at),
  }
}
