import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { followEras, type EraVerdictEvent, type FollowErasOptions } from '../../../adapters/cere/era-follower.ts'
import { reconcileEraFromNode } from '../../../adapters/cere/reconcile-era-from-node.ts'
import type { SqlDatabase } from '../../../adapters/sql/database.ts'
import { getEra, listEras } from '../../../adapters/sql/eras.ts'
import { eventsAfter } from '../../../adapters/sql/events.ts'
import { openDatabase } from '../../../adapters/sql/open-database.ts'
import { readStateValue } from '../../../adapters/sql/state-values.ts'
import { reconcileResultSchema } from '../../../src/schema/settlement-result.ts'
import { startCereRpcServer, type CereChainScenario, type CereRpcServer } from '../../support/cere-rpc-server.ts'
import { OWN_METADATA, payoutReceipt, twoErasChain } from './chain-from-fixtures.ts'

const CLUSTER = '0x0d141c9f0eb6c16c7362ed52ade970085cb6690e'
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function node(scenario: CereChainScenario): Promise<CereRpcServer> {
  const server = await startCereRpcServer(scenario, OWN_METADATA.file)
  cleanups.push(() => server.close())
  return server
}

// one embedded database for the file (opening one is slow on a busy machine), emptied before each test
let shared: Promise<{ db: SqlDatabase; dir: string }> | undefined
afterAll(async () => {
  const opened = await shared
  await opened?.db.close()
  if (opened) rmSync(opened.dir, { recursive: true, force: true })
})
async function database(): Promise<SqlDatabase> {
  shared ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccp-follow-'))
    return { db: await openDatabase({ dataDir: dir }), dir }
  })()
  const { db } = await shared
  for (const table of ['eras', 'events', 'state']) await db.query(`delete from ${table}`)
  return db
}

/** A follower run with everything it says collected, and a way to wait for it. */
function follow(db: SqlDatabase, server: CereRpcServer, extra: Partial<FollowErasOptions> = {}) {
  const controller = new AbortController()
  const seen = { events: [] as EraVerdictEvent[], logs: [] as string[], heads: [] as number[] }
  const done = followEras({
    database: db,
    wsUrl: server.url,
    clusters: [CLUSTER],
    signal: controller.signal,
    pollMs: 100,
    retry: { baseMs: 50, maxMs: 400 },
    connectTimeoutMs: 5_000,
    onEvent: (event) => void seen.events.push(event),
    onLog: (line) => void seen.logs.push(line),
    onProgress: (head) => void seen.heads.push(head),
    ...extra,
  })
  const stop = async () => {
    controller.abort()
    return done
  }
  cleanups.push(async () => void (await stop().catch(() => undefined)))
  return { ...seen, done, stop, controller }
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const start = Date.now()
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

// opening the embedded database and the node's api can take a while on a busy machine
describe('the era follower against the loopback chain', { timeout: 300_000 }, () => {
  it('an era paid while following is reconciled, stored with its HTML report and evented, as soon as ClusterEraPaid is final', async () => {
    const server = await node(twoErasChain(CLUSTER, { finalized: 2 }))
    const db = await database()
    const run = follow(db, server)
    await until('the follower to read up to the head', () => run.heads.includes(2))
    expect(run.events).toEqual([])
    server.setFinalized(6) // era 412 closes in block 6
    await until('era 412', () => run.events.length === 1)
    expect(run.events[0]).toMatchObject({ clusterId: CLUSTER, era: 412, verdict: 'balanced', block: 6 })
    expect(reconcileResultSchema.parse(run.events[0]!.result).quorum).toEqual({ validators: 5, committed: 4, holds: true })
    const stored = (await getEra(db, CLUSTER, 412))!
    expect(stored).toMatchObject({ verdict: 'balanced', source: `node ${server.url}`, block: 6n })
    expect(stored.html).toContain('<svg')
    expect(stored.result).toEqual(run.events[0]!.result)
    const events = await eventsAfter(db, '0')
    expect(events.map((e) => [e.id, e.kind, e.subject, e.payload['verdict'], e.block])).toEqual([[run.events[0]!.eventId, 'era', `${CLUSTER}/412`, 'balanced', 6n]])
    expect(run.logs.some((line) => line.includes('era 412 of cluster') && line.includes('balanced'))).toBe(true)
    const summary = await run.stop()
    expect(summary).toMatchObject({ eras: 1, retries: 0 })
  })

  it('RPC errors and a dropped connection are retried with backoff and said, never the end of the follower', async () => {
    const server = await node(twoErasChain(CLUSTER, { finalized: 6 }))
    const db = await database()
    const run = follow(db, server)
    await until('the follower to start', () => run.heads.includes(6))
    server.failNext('chain_getBlockHash', 3) // the node answers errors for a while
    server.setFinalized(12) // era 413 closes in block 12
    await until('era 413 despite the errors', () => run.events.some((e) => e.era === 413))
    expect(run.logs.filter((line) => /^eras follow: .*injected failure of chain_getBlockHash.*; retrying in \d+\.\d s \(attempt \d+\)$/.test(line)).length).toBeGreaterThanOrEqual(1)
    server.dropConnections() // the node goes away and comes back
    server.setFinalized(13)
    await until('the follower to reconnect and read block 13', () => run.heads.includes(13))
    const summary = await run.stop()
    expect(summary.retries).toBeGreaterThanOrEqual(2)
    expect(summary.lastBlock).toBe(13)
    // started at block 7 (head 6): era 412 was paid before it started and is not one it follows
    expect((await listEras(db)).map((e) => e.era)).toEqual([413])
  })

  it('a restart resumes from the cursor in SQL: no era skipped, none repeated', async () => {
    const server = await node(twoErasChain(CLUSTER, { finalized: 2 }))
    const db = await database()
    // the first run stops right after storing era 412, with era 413 already final further on
    let first!: ReturnType<typeof follow>
    first = follow(db, server, { onEvent: () => first.controller.abort() })
    await until('the first run to start', () => first.heads.includes(2))
    server.setFinalized(12)
    await first.done
    expect((await eventsAfter(db, '0')).map((e) => e.subject)).toEqual([`${CLUSTER}/412`])
    expect(await readStateValue(db, `eras/follow/${CLUSTER}`)).toEqual({ next_era: 413, next_block: 6 })
    // the second run reads block 6 again (412 is behind the cursor) and goes on to 413
    const second = follow(db, server)
    await until('the second run to catch up', () => second.heads.includes(12))
    expect(second.events.map((e) => e.era)).toEqual([413])
    // a third run has nothing to do
    const third = follow(db, server)
    await until('the third run to start', () => third.heads.includes(12))
    await third.stop()
    await second.stop()
    expect(third.events).toEqual([])
    expect((await eventsAfter(db, '0')).map((e) => e.subject)).toEqual([`${CLUSTER}/412`, `${CLUSTER}/413`])
    expect((await listEras(db)).map((e) => e.era).sort()).toEqual([412, 413])
    expect(await readStateValue(db, `eras/follow/${CLUSTER}`)).toEqual({ next_era: 414, next_block: 13 })
  })

  it('--from-era on a first start: eras already paid are reconciled first, through their payout receipts, else the last window of blocks', async () => {
    const chain = twoErasChain(CLUSTER)
    chain.storage!.push(payoutReceipt(CLUSTER, 412, 6), payoutReceipt(CLUSTER, 413, 12))
    const withReceipts = await node(chain)
    const db = await database()
    const run = follow(db, withReceipts, { fromEra: 412 })
    await until('both eras', () => run.events.length === 2)
    expect(run.events.map((e) => [e.era, e.block, e.verdict])).toEqual([
      [412, 6, 'balanced'],
      [413, 12, 'balanced'],
    ])
    await run.stop()

    // no receipts (an older runtime): the eras from 413 closed in the last --window blocks
    const withoutReceipts = await node(twoErasChain(CLUSTER))
    await database() // emptied
    const late = follow(db, withoutReceipts, { fromEra: 413, window: 20 })
    await until('era 413', () => late.events.length === 1)
    await until('the head', () => late.heads.includes(13))
    expect(late.events.map((e) => e.era)).toEqual([413])
    await late.stop()
  })
})

describe('reconcileEraFromNode: one cluster-era against a node, for workers', () => {
  it('connects, reads the era, reconciles it and gives the result, its --json form and the HTML report', async () => {
    const server = await node(twoErasChain(CLUSTER))
    const era = await reconcileEraFromNode({ wsUrl: server.url, clusterId: CLUSTER, era: 413 })
    expect(era.result.verdict).toBe('balanced')
    expect(reconcileResultSchema.parse(era.json).verdict).toBe('balanced')
    expect(era.html).toContain('Era 413 of cluster')
    expect(era.closedBlock).toBe(12)
    expect(era.chain.paramsBlock).toBe(9)
    expect(era.source).toBe(`node ${server.url}`)
    for (let i = 0; i < 100 && server.openConnections() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(server.openConnections()).toBe(0)
  })
})
