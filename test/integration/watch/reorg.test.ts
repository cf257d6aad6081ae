import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SCENARIO } from '../../../fixtures/scripts/scenario.ts'
import { keySigner } from '../../../adapters/evm/registry-port.ts'
import { httpGrantSource } from '../../../adapters/gar/http-grant-source.ts'
import { getIndexedCertificate, sqlRegistryIndex, watcherHead } from '../../../adapters/sql/certificates.ts'
import type { SqlDatabase } from '../../../adapters/sql/database.ts'
import { openDatabase } from '../../../adapters/sql/open-database.ts'
import { sqlStateStore } from '../../../adapters/sql/sql-state-store.ts'
import { subjectEvents } from '../../../adapters/sql/subject-events.ts'
import { watchOnce, type WatchEvent, type WatchPorts } from '../../../src/bridge/watch.ts'
import { startGarServer, type GarServer } from '../../support/gar-server.ts'
import { grants, scenario, scenarioChain, type ScenarioChain } from './scenario-chain.ts'

// A reorg on a real node: evm_snapshot before the certificate is published, evm_revert after, then new blocks.
let chain: ScenarioChain
let gar: GarServer
let db: SqlDatabase
let dataDir: string
let ports: WatchPorts

// the embedded database is slow to open: one for the file, emptied before each test (a fresh chain each)
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ccp-watch-db-'))
  db = await openDatabase({ dataDir })
})

afterAll(async () => {
  await db?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

beforeEach(async () => {
  for (const table of ['certificates', 'events', 'state']) await db.query(`delete from ${table}`)
  chain = await scenarioChain()
  gar = await startGarServer()
  ports = { registry: chain.registry, store: chain.store, state: sqlStateStore(db), index: sqlRegistryIndex(db), gar: httpGrantSource(gar.url), operator: keySigner(scenario.evm.operator.devPrivateKey) }
})

afterEach(async () => {
  await gar?.close()
  await chain?.stop()
})

const kinds = (events: WatchEvent[]) => events.map((e) => e.kind)

describe('watch across a reorg (anvil evm_snapshot / evm_revert)', () => {
  it('an event in a block that is then dropped never causes a revocation (confirmations 12)', async () => {
    const before = await chain.registry.blockNumber()
    const snapshot = await chain.snapshot()
    const certHash = await chain.publishFor() // bond, reserve, stake and publish: a few blocks, the publish last
    const dropped = (await chain.registry.blockNumber()) - before
    expect(dropped).toBeLessThan(11n) // the whole publish stays within the depth below
    gar.setAgreements(scenario.agentServiceKey, [grants.revoked()]) // the user revoked: a watcher that sees the certificate revokes it
    const watch = () => watchOnce(ports, { now: new Date(SCENARIO.revokedAt), confirmations: 12 })
    expect(await watch()).toEqual([]) // the publish is the newest block: not deep enough
    await chain.mine(1)
    expect(await watch()).toEqual([]) // one block deep: still not
    await chain.revert(snapshot) // every block of the publish is dropped
    await chain.mine(14)
    expect(await watch()).toEqual([]) // no reorg to undo: the watcher never read a dropped block
    expect(await chain.registry.getCertificate(certHash)).toBeUndefined()
    expect(await chain.revocations(certHash)).toEqual({ transactions: 0, events: 0 })
    expect(await getIndexedCertificate(db, certHash)).toBeUndefined()
    expect(await ports.state.keys('watch/cert/')).toEqual([])
    expect((await watcherHead(db))?.block).toBe((await chain.registry.blockNumber()) - 12n)
    expect(gar.requests()).toBe(0) // nothing was ever followed, so GAR was never asked
  })

  it('once deep enough on the chain that stays, the same certificate is followed and revoked', async () => {
    const certHash = await chain.publishFor()
    gar.setAgreements(scenario.agentServiceKey, [grants.revoked()])
    expect(await watchOnce(ports, { now: new Date(SCENARIO.revokedAt), confirmations: 2 })).toEqual([])
    await chain.mine(2)
    const events = await watchOnce(ports, { now: new Date(SCENARIO.revokedAt), confirmations: 2 })
    expect(kinds(events)).toEqual(['tracked', 'indexed', 'revoked'])
    expect(await chain.revocations(certHash)).toEqual({ transactions: 1, events: 1 })
    expect(await getIndexedCertificate(db, certHash)).toMatchObject({ status: 'ACTIVE' }) // the revocation is not 2 blocks deep yet
    await chain.mine(2)
    await watchOnce(ports, { now: new Date(SCENARIO.revokedAt), confirmations: 2 })
    expect(await getIndexedCertificate(db, certHash)).toMatchObject({ status: 'REVOKED' })
  })

  it('without a depth (0) the watcher acts on the block that is then dropped; afterwards it sees the reorg and undoes its index', async () => {
    const snapshot = await chain.snapshot()
    const certHash = await chain.publishFor()
    gar.setAgreements(scenario.agentServiceKey, [grants.revoked()])
    const first = await watchOnce(ports, { now: new Date(SCENARIO.revokedAt), confirmations: 0 })
    expect(kinds(first)).toEqual(['tracked', 'indexed', 'revoked']) // what a confirmation depth prevents
    expect(await getIndexedCertificate(db, certHash)).toMatchObject({ status: 'ACTIVE', agent: scenario.evm.agent.address })
    await chain.revert(snapshot)
    await chain.mine(8)
    const second = await watchOnce(ports, { now: new Date(SCENARIO.revokedAt), confirmations: 0 })
    expect(second.filter((e) => e.kind === 'reorg')).toEqual([
      expect.objectContaining({ cursor: 'operator', rewoundTo: null }),
      expect.objectContaining({ cursor: 'index', rewoundTo: null }),
    ])
    expect(await getIndexedCertificate(db, certHash)).toBeUndefined()
    expect((await subjectEvents(db, 'certificate', certHash)).map((e) => e.payload.type)).toEqual(['published', 'dropped'])
    expect(await ports.state.read(`watch/cert/${certHash}`)).toMatchObject({ dropped: true })
    expect((await watcherHead(db))?.block).toBe(await chain.registry.blockNumber())
  })
})
