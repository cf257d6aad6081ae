import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../support/cli.ts'
import { startCereRpcServer, type CereRpcServer } from '../../support/cere-rpc-server.ts'
import { postgresAvailable, postgresSkipReason } from '../../support/postgres.ts'
import { OWN_METADATA, payoutReceipt, twoErasChain } from '../cere/chain-from-fixtures.ts'
import { freshDatabase, startWorker, stopAllWorkers } from './queue-support.ts'

const available = await postgresAvailable()
const CLUSTER = '0x0d141c9f0eb6c16c7362ed52ade970085cb6690e'
const UNKNOWN = `0x${'ab'.repeat(20)}`

let db: Awaited<ReturnType<typeof freshDatabase>>
let server: CereRpcServer

beforeAll(async () => {
  if (!available) return
  db = await freshDatabase('eraq')
  const chain = twoErasChain(CLUSTER)
  chain.storage!.push(payoutReceipt(CLUSTER, 412, 6), payoutReceipt(CLUSTER, 413, 12))
  server = await startCereRpcServer(chain, OWN_METADATA.file)
}, 60_000)

afterAll(async () => {
  await stopAllWorkers()
  await server?.close()
  await db?.drop()
})

describe.skipIf(!available)(`reconcile --clusters … --queue on PostgreSQL ${available ? '' : postgresSkipReason}`, () => {
  it('fans out one job per cluster-era to the workers, which reconcile each against the node and store it in the eras table', { timeout: 180_000 }, async () => {
    const workers = await Promise.all([startWorker(db.url), startWorker(db.url)])
    const r = await runCli(['reconcile', '--clusters', CLUSTER, '--from-era', '412', '--to-era', '413', '--queue', db.url, '--ws', server.url, '--json'], { timeoutMs: 170_000 })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.json()).toMatchObject({
      results: [
        { cluster_id: CLUSTER, era: 412, verdict: 'balanced', block: '6' },
        { cluster_id: CLUSTER, era: 413, verdict: 'balanced', block: '12' },
      ],
      balanced: 2,
      failed: 0,
    })
    const eras = await db.query('select cluster_id, era::int as era, verdict, source, block::int as block, result, html from eras order by era')
    expect(eras.map((e) => [e.cluster_id, e.era, e.verdict, e.source, e.block])).toEqual([
      [CLUSTER, 412, 'balanced', `node ${server.url}`, 6],
      [CLUSTER, 413, 'balanced', `node ${server.url}`, 12],
    ])
    expect(eras[0].html).toContain('<svg')
    // what a worker stored is what `reconcile --ws` says of the same cluster-era
    const direct = await runCli(['reconcile', '--ws', server.url, '--cluster', CLUSTER, '--era', '413', '--json'])
    expect(eras[1].result).toEqual(direct.json())
    const events = await db.query(`select kind, subject, payload->>'verdict' as verdict from events order by id`)
    expect(events.map((e) => [e.kind, e.subject, e.verdict]).sort()).toEqual([
      ['era', `${CLUSTER}/412`, 'balanced'],
      ['era', `${CLUSTER}/413`, 'balanced'],
    ])
    const ran = workers.map((w) => (w.log().match(/^era 41[23] of cluster/gm) ?? []).length)
    expect(ran.reduce((a, b) => a + b, 0)).toBe(2)
  })

  it('reports a cluster-era that cannot be reconciled (exit 2) beside the others, in order, in text', { timeout: 180_000 }, async () => {
    const r = await runCli(['reconcile', '--clusters', `${UNKNOWN},${CLUSTER}`, '--from-era', '412', '--to-era', '412', '--queue', db.url, '--ws', server.url, '--retries', '0'], { timeoutMs: 170_000 })
    expect(r.code).toBe(2)
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toMatch(new RegExp(`^era 412 of cluster ${UNKNOWN}: FAILED: cluster ${UNKNOWN} has no protocol parameters`))
    expect(lines[1]).toBe(`era 412 of cluster ${CLUSTER}: balanced (ClusterEraPaid at block 6)`)
    expect(lines[2]).toMatch(/^2 cluster-era\(s\): 1 balanced, 0 with discrepancies, 0 incomplete, 1 failed; results in the eras table of postgres:/)
    const bad = await runCli(['reconcile', '--clusters', 'nope', '--from-era', '1', '--to-era', '2', '--queue', db.url, '--ws', server.url])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--clusters expects cluster ids of 0x and 40 hex digits/)
    const backwards = await runCli(['reconcile', '--clusters', CLUSTER, '--from-era', '5', '--to-era', '2', '--queue', db.url, '--ws', server.url])
    expect(backwards.stderr).toMatch(/--from-era 5 is after --to-era 2/)
  })
})
