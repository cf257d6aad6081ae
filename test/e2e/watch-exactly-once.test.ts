import { mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCENARIO } from '../../fixtures/scripts/scenario.ts'
import type { SqlDatabase } from '../../adapters/sql/database.ts'
import { openDatabase } from '../../adapters/sql/open-database.ts'
import { sqlStateStore } from '../../adapters/sql/sql-state-store.ts'
import { subjectEvents } from '../../adapters/sql/subject-events.ts'
import { runCli } from '../support/cli.ts'
import { freshSchema, postgresAvailable, testDatabaseUrl } from '../support/postgres.ts'
import { grants, scenario, scenarioChain, type ScenarioChain } from '../integration/watch/scenario-chain.ts'
import { flakyGar, jsonLines, withDatabase, type FlakyGar } from '../integration/watch/watch-support.ts'

// "A server killed in the middle of a revocation revokes exactly once after restart", and "two bridge processes on
// one PostgreSQL never revoke twice": real `ccp-bridge watch` processes, killed with SIGKILL at the named step.
const onPostgres = await postgresAvailable()
let chain: ScenarioChain
let gar: FlakyGar
let operatorKey: string
let agentIndex = 20
const cleanups: Array<() => Promise<void>> = []

beforeAll(async () => {
  chain = await scenarioChain()
  gar = await flakyGar()
  gar.serve([grants.revoked()]) // the user revoked the consent: every certificate published below is to be revoked
  operatorKey = join(chain.dir, 'operator.key')
  writeFileSync(operatorKey, `${scenario.evm.operator.devPrivateKey}\n`)
}, 120_000)

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
  await gar?.close()
  await chain?.stop()
})

/** Where a watcher keeps its state: the embedded database in a folder, or a PostgreSQL schema (DATABASE_URL). */
type Backend = { env: Record<string, string>; dataDir: string; open(): Promise<SqlDatabase> }

const backends: Array<{ name: string; skip: boolean; make(): Promise<Backend> }> = [
  {
    name: 'the embedded database',
    skip: false,
    make: async () => {
      const dataDir = mkdtempSync(join(chain.dir, 'data-'))
      return { env: { DATABASE_URL: '' }, dataDir, open: () => openDatabase({ dataDir }) }
    },
  },
  {
    name: 'PostgreSQL',
    skip: !onPostgres,
    make: async () => {
      const { schema, drop } = freshSchema('watch')
      cleanups.push(drop)
      await (await openDatabase({ url: testDatabaseUrl, schema })).close() // creates and migrates the schema
      const url = new URL(testDatabaseUrl)
      url.searchParams.set('options', `-c search_path=${schema}`)
      return { env: { DATABASE_URL: url.toString() }, dataDir: mkdtempSync(join(chain.dir, 'data-')), open: () => openDatabase({ url: testDatabaseUrl, schema }) }
    },
  },
]

const watch = (backend: Backend, env: Record<string, string> = {}) =>
  runCli(['watch', '--rpc', chain.anvil.rpcUrl, '--registry', chain.deployed.registry, '--store', chain.storeDir, '--data-dir', backend.dataDir, '--operator-key', operatorKey, '--gar', gar.url, '--rounds', '1', '--now', SCENARIO.revokedAt, '--json'], { env: { ...backend.env, ...env }, timeoutMs: 150_000 })

/** A certificate's revocation record and its events in the index, read once the watcher process exited. */
const stateOf = (backend: Backend, certHash: string) =>
  withDatabase(backend.open, async (db) => ({
    action: await sqlStateStore(db).read<Record<string, unknown>>(`watch/action/${certHash}`),
    events: (await subjectEvents(db, 'certificate', certHash)).map((e) => e.payload.type),
  }))

for (const backend of backends) {
  describe.skipIf(backend.skip)(`exactly one revocation on ${backend.name}`, { timeout: 300_000 }, () => {
    it('killed after the decision was recorded, before the transaction: the restart sends it, once', async () => {
      const b = await backend.make()
      const certHash = await chain.publishFor(agentIndex++)
      const crashed = await watch(b, { CCP_BRIDGE_FAULT: 'crash-after-revoke-decided' })
      expect(crashed.code, crashed.stderr).toBe(-1) // SIGKILL
      expect(await chain.revocations(certHash)).toEqual({ transactions: 0, events: 0 })
      expect((await stateOf(b, certHash)).action).toMatchObject({ certHash, state: 'pending' })
      const restarted = await watch(b)
      expect(restarted.code, restarted.stderr).toBe(0)
      const revoked = jsonLines(restarted.stdout).filter((e) => e.kind === 'revoked' && e.certHash === certHash)
      expect(revoked).toEqual([expect.objectContaining({ txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/), reason: expect.stringContaining('revoked by the user') })])
      expect(await chain.revocations(certHash)).toEqual({ transactions: 1, events: 1 })
      const again = await watch(b)
      expect(jsonLines(again.stdout).filter((e) => e.kind === 'revoked')).toEqual([])
      expect(await chain.revocations(certHash)).toEqual({ transactions: 1, events: 1 })
      expect(await stateOf(b, certHash)).toEqual({ action: expect.objectContaining({ state: 'done', txHash: revoked[0]!.txHash }), events: ['published', 'revoked'] })
    })

    it('killed after the transaction was mined, before it was recorded: the restart sees the registry and sends nothing', async () => {
      const b = await backend.make()
      const certHash = await chain.publishFor(agentIndex++)
      const crashed = await watch(b, { CCP_BRIDGE_FAULT: 'crash-after-revoke-sent' })
      expect(crashed.code, crashed.stderr).toBe(-1)
      expect(await chain.revocations(certHash)).toEqual({ transactions: 1, events: 1 })
      expect((await stateOf(b, certHash)).action).toMatchObject({ state: 'pending' })
      const restarted = await watch(b)
      expect(restarted.code, restarted.stderr).toBe(0)
      expect(jsonLines(restarted.stdout).filter((e) => e.kind === 'revoked' && e.certHash === certHash)).toEqual([expect.objectContaining({ note: 'already REVOKED on the registry' })])
      expect(await chain.revocations(certHash)).toEqual({ transactions: 1, events: 1 })
      expect((await stateOf(b, certHash)).action).toMatchObject({ state: 'done', note: 'already REVOKED on the registry' })
    })
  })
}

describe.skipIf(!onPostgres)('two watcher processes on one PostgreSQL', { timeout: 300_000 }, () => {
  it('both follow the certificate and both see the revoked grant; the certificate is revoked once and indexed once', async () => {
    const b = await backends[1]!.make()
    const certHash = await chain.publishFor(agentIndex++)
    const [one, two] = await Promise.all([watch(b), watch(b)])
    expect([one.code, two.code], one.stderr + two.stderr).toEqual([0, 0])
    const revoked = [...jsonLines(one.stdout), ...jsonLines(two.stdout)].filter((e) => e.kind === 'revoked' && e.certHash === certHash)
    expect(revoked).toHaveLength(1)
    expect(await chain.revocations(certHash)).toEqual({ transactions: 1, events: 1 })
    const [three, four] = await Promise.all([watch(b), watch(b)])
    expect([three.code, four.code]).toEqual([0, 0])
    expect(await chain.revocations(certHash)).toEqual({ transactions: 1, events: 1 })
    expect((await stateOf(b, certHash)).events).toEqual(['published', 'revoked'])
  })
})
