import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reconcileResultSchema } from '../../src/schema/settlement-result.ts'
import { runCli } from '../support/cli.ts'
import { startCereRpcServer, type CereRpcServer } from '../support/cere-rpc-server.ts'
import { hasShared, sharedFile, sharedSkipReason } from '../support/shared.ts'
import { fixtureDir, fixtureParams, twoErasChain } from '../integration/cere/chain-from-fixtures.ts'

const scenario = (name: string) => ({ events: `${fixtureDir}${name}/events.jsonl`, params: `${fixtureDir}${name}/params.json`, usage: `${fixtureDir}${name}/usage.json` })
const fromFiles = (name: string, ...extra: string[]) => {
  const s = scenario(name)
  return runCli(['reconcile', '--events', s.events, '--params', s.params, '--usage', s.usage, ...extra])
}
const CLUSTER = JSON.parse(readFileSync(`${fixtureDir}balanced/usage.json`, 'utf8')).cluster_id as string

describe('ccp-bridge reconcile --events --params --usage', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ccp-reconcile-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('exit 0 balanced, 1 discrepancies or incomplete, with the spec result shape (every scenario is also checked in-process by the unit tests)', async () => {
    const cases = [
      ['balanced', 0, 'balanced'],
      ['over-rewarded', 1, 'discrepancies'],
      ['missing-era-paid', 1, 'incomplete'],
      ['legacy-names', 0, 'balanced'],
    ] as const
    const runs = await Promise.all(cases.map(([name]) => fromFiles(name, '--json')))
    runs.forEach((r, i) => {
      expect(r.code).toBe(cases[i]![1])
      expect(reconcileResultSchema.parse(r.json()).verdict).toBe(cases[i]![2])
    })
  })

  it('readable output: a table per party and the verdict', async () => {
    const r = await fromFiles('over-rewarded')
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('Node providers (rewarded)')
    expect(r.stdout).toMatch(/\+1000000 .*over-rewarded/)
    expect(r.stdout).toContain('Verdict: discrepancies')
  })

  it('--html writes a self-contained page with the flow chart', async () => {
    const file = join(dir, 'report.html')
    const r = await fromFiles('partial-indebted', '--html', file)
    expect(r.code).toBe(1)
    const html = readFileSync(file, 'utf8')
    expect(html).toContain('<svg')
    expect(html).toContain('Customers (3)')
    expect(html.match(/(src|href)=/g)).toBeNull()
  })

  it('era 413 with the previous era\'s fee shares does not balance', async () => {
    const s = scenario('shares-413')
    const r = await runCli(['reconcile', '--events', s.events, '--params', scenario('balanced').params, '--usage', s.usage, '--json'])
    expect(r.code).toBe(1)
    expect(r.json().parties.find((p: { role: string }) => p.role === 'treasury').reason).toMatch(/fee above its share/)
  })

  it('without --usage: checks the chain against itself and says so', async () => {
    const s = scenario('balanced')
    const r = await runCli(['reconcile', '--events', s.events, '--params', s.params])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('No --usage given')
  })

  it('a malformed events file is exit 2 with the line and field, no stack trace', async () => {
    const s = scenario('balanced')
    const cases = [
      ['not-json.jsonl', /line 3 is not JSON/],
      ['missing-method.jsonl', /line 2: expected string, nothing \(missing\)/],
      ['bad-amount.jsonl', /line \d+: ddcPayouts\.Charged data\.amount: expected an amount in planck/],
    ] as const
    const runs = await Promise.all(cases.map(([file]) => runCli(['reconcile', '--events', `${fixtureDir}malformed/${file}`, '--params', s.params, '--usage', s.usage])))
    runs.forEach((r, i) => {
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(cases[i]![1])
      expect(r.stderr).toContain(cases[i]![0])
      expect(r.stderr).not.toMatch(/\n\s+at /)
    })
  })

  it('a bad usage file names the JSON path, exit 2 (--json error object)', async () => {
    const usage = JSON.parse(readFileSync(scenario('balanced').usage, 'utf8'))
    usage.customers[1].stored_bytes = '-5'
    const file = join(dir, 'usage.json')
    writeFileSync(file, JSON.stringify(usage))
    const r = await runCli(['reconcile', '--events', scenario('balanced').events, '--params', scenario('balanced').params, '--usage', file, '--json'])
    expect(r.code).toBe(2)
    expect(r.json().error).toMatchObject({ code: 'INPUT_INVALID', file, path: '$.customers[1].stored_bytes' })
  })

  it('a usage file of another network\'s addresses is refused', async () => {
    const usage = JSON.parse(readFileSync(scenario('balanced').usage, 'utf8'))
    usage.providers[0].id = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'
    const file = join(dir, 'usage-polkadot.json')
    writeFileSync(file, JSON.stringify(usage))
    const r = await runCli(['reconcile', '--events', scenario('balanced').events, '--params', scenario('balanced').params, '--usage', file])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/\$\.providers\[0\]\.id.*prefix 42, expected Cere's prefix 54/)
  })

  it('missing inputs are exit 2 with what is needed', async () => {
    const noParams = await runCli(['reconcile', '--events', scenario('balanced').events])
    expect(noParams.code).toBe(2)
    expect(noParams.stderr).toContain('missing --params FILE')
    const noWs = await runCli(['reconcile', '--cluster', CLUSTER, '--era', '412'], { env: { CERE_WS_URL: '' } })
    expect(noWs.code).toBe(2)
    expect(noWs.stderr).toContain('missing --ws URL (or $CERE_WS_URL)')
  })
})

describe.skipIf(!hasShared)(`ccp-bridge reconcile --ws / events export against a loopback node${hasShared ? '' : ` (skipped: ${sharedSkipReason})`}`, () => {
  let server: CereRpcServer
  let dir: string
  beforeAll(async () => {
    server = await startCereRpcServer(twoErasChain(CLUSTER), sharedFile('cere', 'devnet-v73047.metadata.json'))
    dir = mkdtempSync(join(tmpdir(), 'ccp-reconcile-ws-'))
  })
  afterAll(async () => {
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('reconcile --ws: balanced, exit 0', async () => {
    const r = await runCli(['reconcile', '--ws', server.url, '--cluster', CLUSTER, '--era', '412', '--usage', scenario('balanced').usage, '--json'])
    expect(r.code).toBe(0)
    expect(reconcileResultSchema.parse(r.json())).toMatchObject({ verdict: 'balanced', closed: true, quorum: { validators: 5, committed: 4, holds: true } })
  })

  it('reconcile with $CERE_WS_URL, era 413 with its own fee shares, and an HTML report', async () => {
    const html = join(dir, 'era-413.html')
    const r = await runCli(['reconcile', '--cluster', CLUSTER, '--era', '413', '--usage', scenario('shares-413').usage, '--html', html], { env: { CERE_WS_URL: server.url } })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Verdict: balanced')
    expect(readFileSync(html, 'utf8')).toContain('3.0% of collected')
  })

  it('events export writes the events and params files that reconcile reads back to the same result', async () => {
    const params = join(dir, 'params.json')
    const out = await runCli(['events', 'export', '--ws', server.url, '--cluster', CLUSTER, '--era', '412', '--params-out', params])
    expect(out.code).toBe(0)
    expect(out.stdout).toBe(readFileSync(scenario('balanced').events, 'utf8'))
    expect(JSON.parse(readFileSync(params, 'utf8'))).toEqual(fixtureParams('balanced'))
    expect(out.stderr).toMatch(/32 events from blocks 0\.\.6, closed by ClusterEraPaid; params at block 3/)
    const events = join(dir, 'events.jsonl')
    writeFileSync(events, out.stdout)
    const r = await runCli(['reconcile', '--events', events, '--params', params, '--usage', scenario('balanced').usage, '--json'])
    expect(r.code).toBe(0)
    expect(r.json().verdict).toBe('balanced')
  })

  it('an unreachable node is exit 2', async () => {
    const r = await runCli(['events', 'export', '--ws', 'ws://127.0.0.1:1', '--cluster', CLUSTER, '--era', '412'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('cannot connect to the Cere node at ws://127.0.0.1:1')
  })
})
