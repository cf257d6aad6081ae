import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCENARIO } from '../../fixtures/scripts/scenario.ts'
import { listCertificates, watcherHead } from '../../adapters/sql/certificates.ts'
import { openDatabase } from '../../adapters/sql/open-database.ts'
import { sqlStateStore } from '../../adapters/sql/sql-state-store.ts'
import { runCli } from '../support/cli.ts'
import { grants, scenario, scenarioChain, type ScenarioChain } from '../integration/watch/scenario-chain.ts'
import { flakyGar, jsonLines, startCli, withDatabase, type FlakyGar } from '../integration/watch/watch-support.ts'

// One anvil (clock at the scenario's "now") with the registry; each test its own data folder (embedded database).
let chain: ScenarioChain
let gar: FlakyGar
let operatorKey: string
let agentIndex = 10 // agents of their own (dev accounts 0-4 are the scenario's roles)

beforeAll(async () => {
  chain = await scenarioChain()
  gar = await flakyGar()
  operatorKey = join(chain.dir, 'operator.key')
  writeFileSync(operatorKey, `${scenario.evm.operator.devPrivateKey}\n`)
}, 120_000)

afterAll(async () => {
  await gar?.close()
  await chain?.stop()
})

const dataDir = () => mkdtempSync(join(chain.dir, 'data-'))
const common = (dir: string) => ['--rpc', chain.anvil.rpcUrl, '--registry', chain.deployed.registry, '--store', chain.storeDir, '--data-dir', dir]
const watch = (dir: string, extra: string[], env: Record<string, string> = {}) => runCli(['watch', ...common(dir), ...extra], { env: { DATABASE_URL: '', ...env }, timeoutMs: 150_000 })

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

// every CLI run opens an embedded database (a few seconds, more on a busy machine): generous time limits
describe('watch: refused option combinations (before anything is contacted)', { timeout: 300_000 }, () => {
  it('--gar with --grants is refused, not silently half-ignored (defect 19)', async () => {
    const r = await runCli(['watch', '--rpc', 'http://127.0.0.1:9', '--registry', '0x5FbDB2315678afecb367f032d93F642f64180aa3', '--operator-key', operatorKey, '--gar', 'http://127.0.0.1:9', '--grants', 'grants/', '--rounds', '1', '--json'])
    expect(r.code).toBe(2)
    expect(r.json().error).toMatchObject({ code: 'BAD_ARGUMENTS', message: 'watch takes --gar URL or --grants PATH, not both' })
  })

  it('--gar without an operator key, --operator-key without a consent source, and --follow with --rounds are refused', async () => {
    const base = ['watch', '--rpc', 'http://127.0.0.1:9', '--registry', '0x5FbDB2315678afecb367f032d93F642f64180aa3']
    const noKey = await runCli([...base, '--gar', 'http://127.0.0.1:9', '--rounds', '1'])
    expect([noKey.code, noKey.stderr]).toEqual([2, expect.stringContaining('--gar needs --operator-key')])
    const noGar = await runCli([...base, '--operator-key', operatorKey, '--rounds', '1'])
    expect([noGar.code, noGar.stderr]).toEqual([2, expect.stringContaining('watch --operator-key needs --gar URL or --grants PATH')])
    const both = await runCli([...base, '--follow', '--rounds', '2'])
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining('not both')])
    const zero = await runCli([...base, '--max-range', '0'])
    expect([zero.code, zero.stderr]).toEqual([2, expect.stringContaining('--max-range expects a whole number from 1')])
  })
})

describe('watch --rounds: exit 2 when it could not check (defect 9)', { timeout: 300_000 }, () => {
  it('a GAR that cannot be reached: retried (said on stderr), then exit 2 saying why', async () => {
    const certHash = await chain.publishFor(agentIndex++)
    const port = await closedPort()
    const r = await watch(dataDir(), ['--operator-key', operatorKey, '--gar', `http://127.0.0.1:${port}`, '--rounds', '1', '--retries', '2', '--retry-delay', '20', '--now', SCENARIO.revokedAt])
    expect(r.code, r.stdout + r.stderr).toBe(2)
    expect(r.stderr.match(/^retrying in \d+ ms \(attempt [23] of 3\): reach GAR http:\/\/127\.0\.0\.1:\d+: .*cannot reach GAR/gm)).toHaveLength(2)
    expect(r.stderr).toMatch(/error: watch could not check everything: cannot poll GAR http:\/\/127\.0\.0\.1:\d+: .*cannot reach GAR/)
    expect((await chain.registry.getCertificate(certHash))?.status).toBe('ACTIVE')
  })

  it('GAR answering errors while a certificate is followed: exit 2 naming the certificate (--json: the error document last)', async () => {
    const certHash = await chain.publishFor(agentIndex++)
    gar.serve([grants.active()])
    const dir = dataDir()
    expect((await watch(dir, ['--operator-key', operatorKey, '--gar', gar.url, '--rounds', '1', '--now', SCENARIO.now])).code).toBe(0)
    gar.failNext(1000, 500, true) // the start-up probe passes; every certificate's poll fails
    const r = await watch(dir, ['--operator-key', operatorKey, '--gar', gar.url, '--rounds', '1', '--retries', '0', '--now', SCENARIO.revokedAt, '--json'])
    gar.failNext(0)
    expect(r.code, r.stderr).toBe(2)
    const lines = jsonLines(r.stdout)
    expect(lines).toContainEqual({ kind: 'error', certHash, code: 'GAR_HTTP_ERROR', message: expect.stringMatching(/^cannot poll GAR http:\/\/127\.0\.0\.1:\d+: GAR answered HTTP 500/) })
    expect(lines.at(-1)!.error).toMatchObject({ code: 'WATCH_INCOMPLETE', message: expect.stringContaining('GAR answered HTTP 500') })
    expect(lines.filter((l) => l.kind === 'revoked')).toEqual([])
    expect((await chain.registry.getCertificate(certHash))?.status).toBe('ACTIVE')
  })

  it('a grants file that is missing or not JSON: exit 2 naming it', async () => {
    const missing = join(chain.dir, 'no-such-grants.json')
    const r = await watch(dataDir(), ['--operator-key', operatorKey, '--grants', missing, '--rounds', '1'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`${missing}: cannot read the file: no such file or folder`)
    const garbage = join(chain.dir, 'garbage.json')
    writeFileSync(garbage, '{"agreements": [ this is not json')
    const g = await watch(dataDir(), ['--operator-key', operatorKey, '--grants', garbage, '--rounds', '1', '--json'])
    expect(g.code).toBe(2)
    expect(jsonLines(g.stdout).at(-1)!.error).toMatchObject({ code: 'WATCH_INCOMPLETE', message: expect.stringContaining(garbage) })
  })
})

describe('watch: retries, read-only, the daemon', { timeout: 300_000 }, () => {
  it('GAR failing twice then answering: the retries are on stderr and the round goes on to revoke', async () => {
    const certHash = await chain.publishFor(agentIndex++)
    gar.serve([grants.revoked()])
    gar.failNext(2)
    const r = await watch(dataDir(), ['--operator-key', operatorKey, '--gar', gar.url, '--rounds', '1', '--retries', '3', '--retry-delay', '50', '--now', SCENARIO.revokedAt])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.stderr.match(/^retrying in \d+ ms \(attempt \d of 4\): reach GAR .*GAR answered HTTP 503/gm)).toHaveLength(2)
    expect(r.stdout).toContain(`REVOKED ${certHash}: grant ${scenario.grantHash} was revoked by the user`)
    expect(await chain.revocations(certHash)).toEqual({ transactions: 1, events: 1 })
  })

  it('read-only (no operator key): indexes every certificate and its status, sends nothing, needs no GAR', async () => {
    const dir = dataDir()
    const r = await watch(dir, ['--rounds', '1', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const lines = jsonLines(r.stdout)
    expect(lines.every((l) => l.kind === 'indexed')).toBe(true)
    const published = lines.filter((l) => l.change === 'published')
    const onChain = (await chain.registry.events(0n)).events.filter((e) => e.kind === 'published')
    expect(published.map((l) => l.certHash)).toEqual(onChain.map((e) => e.certHash))
    expect(published.length).toBeGreaterThanOrEqual(3)
    const { indexed, head } = await withDatabase(() => openDatabase({ dataDir: dir }), async (db) => ({ indexed: await listCertificates(db), head: await watcherHead(db) }))
    expect(indexed.map((c) => c.certHash).sort()).toEqual(published.map((l) => l.certHash).sort())
    expect(indexed.filter((c) => c.status === 'REVOKED').length).toBeGreaterThanOrEqual(1)
    expect(head?.block).toBe(await chain.registry.blockNumber())
  })

  it('--follow runs until SIGTERM, then stops cleanly with its state consistent', async () => {
    const certHash = await chain.publishFor(agentIndex++)
    gar.serve([grants.active()])
    const dir = dataDir()
    const daemon = startCli(['watch', ...common(dir), '--operator-key', operatorKey, '--gar', gar.url, '--follow', '--interval', '1', '--now', SCENARIO.now], { DATABASE_URL: '' })
    await daemon.waitFor(new RegExp(`tracking ${certHash}`))
    await daemon.waitFor(/watching registry .* 0 confirmations, ranges of 500 blocks, every 1 s/)
    daemon.child.kill('SIGTERM')
    expect(await daemon.exited).toBe(0)
    expect(daemon.stderr()).toMatch(/SIGTERM: stopping after the step in progress/)
    expect(daemon.stderr()).toMatch(/stopped after \d+ round\(s\); the index is at block \d+/)
    // the embedded database was released: it opens
    const after = await withDatabase(() => openDatabase({ dataDir: dir }), async (db) => {
      const state = sqlStateStore(db)
      return { followed: await state.read(`watch/cert/${certHash}`), actions: await state.keys('watch/action/'), head: await watcherHead(db) }
    })
    expect(after).toEqual({ followed: expect.objectContaining({ certHash, operator: scenario.evm.operator.address }), actions: [], head: expect.objectContaining({ block: await chain.registry.blockNumber() }) })
  })

  it('--follow survives a GAR outage: it keeps retrying (on stderr) and revokes once GAR answers again; SIGINT stops it', async () => {
    const certHash = await chain.publishFor(agentIndex++)
    gar.serve([grants.revoked()])
    gar.failNext(1_000_000)
    const daemon = startCli(['watch', ...common(dataDir()), '--operator-key', operatorKey, '--gar', gar.url, '--follow', '--interval', '1', '--retries', '1', '--retry-delay', '100', '--retry-max-delay', '400', '--now', SCENARIO.revokedAt], { DATABASE_URL: '' })
    await daemon.waitFor(/could not check .*GAR answered HTTP 503/)
    await daemon.waitFor(new RegExp(`tracking ${certHash}`))
    await daemon.waitFor(new RegExp(`could not check ${certHash}: cannot poll GAR`))
    expect(daemon.child.exitCode).toBeNull() // still running
    gar.failNext(0)
    await daemon.waitFor(new RegExp(`REVOKED ${certHash}`))
    daemon.child.kill('SIGINT')
    expect(await daemon.exited).toBe(0)
    expect(daemon.stderr()).toMatch(/^retrying in \d+ ms \(attempt 2 of 2\)/m)
    expect(await chain.revocations(certHash)).toEqual({ transactions: 1, events: 1 })
  })
})
