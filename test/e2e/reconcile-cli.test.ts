import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reconcileResultSchema } from '../../src/schema/settlement-result.ts'
import { runCli } from '../support/cli.ts'
import { startCereRpcServer, type CereRpcServer } from '../support/cere-rpc-server.ts'
import { fixtureDir, fixtureParams, OWN_LEGACY_METADATA, OWN_METADATA, scenarioChain, SHARED_METADATA, twoErasChain, type MetadataSource } from '../integration/cere/chain-from-fixtures.ts'

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
      ['partial-indebted', 0, 'balanced'],
      ['silent-shortfall', 1, 'discrepancies'],
      ['missing-era-paid', 1, 'incomplete'],
      ['legacy-names', 0, 'balanced'],
    ] as const
    const runs = await Promise.all(cases.map(([name]) => fromFiles(name, '--json')))
    runs.forEach((r, i) => {
      expect(r.code).toBe(cases[i]![1])
      expect(reconcileResultSchema.parse(r.json()).verdict).toBe(cases[i]![2])
    })
  })

  it('--json reports the signed dust and expected_dust; a silent vault shortfall is a provider difference with its reason', async () => {
    const [indebted, short] = await Promise.all([fromFiles('partial-indebted', '--json'), fromFiles('silent-shortfall', '--json')])
    const advanced = indebted.json().conservation
    expect(advanced.dust).toMatch(/^-\d+$/)
    expect(advanced).toMatchObject({ expected_dust: advanced.dust, undistributed: '0', holds: true })
    const result = short.json()
    expect(result.conservation).toMatchObject({ undistributed: '40000', holds: false })
    expect(BigInt(result.conservation.dust) - BigInt(result.conservation.expected_dust)).toBe(40000n)
    expect(result.parties.find((p: { difference: string }) => p.difference === '-40000')).toMatchObject({
      role: 'provider',
      reason: 'the shared payout vault paid 40000 short, within MaxDust (100000): no NotDistributedReward',
    })
  })

  it('validator_scores in the params: each staker checked, the zero-score one included', async () => {
    const r = await fromFiles('validator-scores')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Validators (fee, then each staker)')
    expect(r.stdout).toMatch(/^ok +6\S+ +0 +0 +0 +stake score 0 of \d+; rewarded its share$/m)
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
    const r = await fromFiles('vault-short', '--html', file)
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
      ['not-json.jsonl', /line 3 is not valid JSON/],
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

  it('the same event twice (identical block and index) is refused with both lines, exit 2, not summed', async () => {
    const s = scenario('balanced')
    const file = `${fixtureDir}malformed/repeated-event.jsonl`
    const [text, json] = await Promise.all([
      runCli(['reconcile', '--events', file, '--params', s.params, '--usage', s.usage]),
      runCli(['reconcile', '--events', file, '--params', s.params, '--usage', s.usage, '--json']),
    ])
    expect(text.code).toBe(2)
    expect(text.stderr).toMatch(/repeated-event\.jsonl: line (\d+) repeats block 3 event \d+, already read at line \d+/)
    expect(text.stdout).toBe('')
    expect(json.code).toBe(2)
    expect(json.json().error).toMatchObject({ code: 'EVENTS_REPEATED', file })
  })

  it('an empty events file is exit 2 (could not check), like every other command', async () => {
    const s = scenario('balanced')
    const file = `${fixtureDir}malformed/empty.jsonl`
    const blank = join(dir, 'blank.jsonl')
    writeFileSync(blank, '\n\n  \n')
    const runs = await Promise.all([
      runCli(['reconcile', '--events', file, '--params', s.params, '--usage', s.usage, '--json']),
      runCli(['reconcile', '--events', blank, '--params', s.params, '--usage', s.usage]),
    ])
    expect(runs[0]!.code).toBe(2)
    expect(runs[0]!.json().error).toMatchObject({ code: expect.stringMatching(/^(EVENTS_EMPTY|INPUT_EMPTY)$/), file })
    expect(runs[1]!.code).toBe(2)
    expect(runs[1]!.stderr).toContain(`${blank}: the events file holds no events`)
  })

  it('a 23-digit --era is refused (eras are u32), exit 2: reconcile and events export', async () => {
    const s = scenario('balanced')
    const era = '12345678901234567890123'
    const runs = await Promise.all([
      runCli(['reconcile', '--events', s.events, '--params', s.params, '--era', era, '--json']),
      runCli(['reconcile', '--ws', 'ws://127.0.0.1:1', '--cluster', CLUSTER, '--era', era]),
      runCli(['events', 'export', '--ws', 'ws://127.0.0.1:1', '--cluster', CLUSTER, '--era', era]),
      runCli(['events', 'export', '--ws', 'ws://127.0.0.1:1', '--cluster', CLUSTER, '--era', '4294967296']),
    ])
    for (const r of runs) expect(r.code).toBe(2)
    expect(runs[0]!.json().error.code).toBe('BAD_ARGUMENTS')
    expect(runs[0]!.json().error.message).toMatch(/--era expects a whole number from 0 to 4294967295/)
    for (const r of runs.slice(1)) {
      expect(r.stderr).toMatch(/--era expects a whole number from 0 to 4294967295/)
      expect(r.stderr).not.toContain('cannot connect') // refused before any connection
    }
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

// reconcile --ws and events export on the project's own loopback metadata (always run) and on the real devnet metadata (../shared)
for (const source of [OWN_METADATA, SHARED_METADATA] as MetadataSource[]) {
  describe.skipIf(source.skip)(`ccp-bridge reconcile --ws / events export against a loopback node with ${source.name}${source.skipNote}`, () => {
    let server: CereRpcServer
    let dir: string
    beforeAll(async () => {
      server = await startCereRpcServer(twoErasChain(CLUSTER), source.file)
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
      expect(out.stderr).toMatch(/34 events from blocks 0\.\.6, closed by ClusterEraPaid; params at block 3/)
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
}

describe("reconcile --ws / events export on the project's own chain fixtures: more eras, the older names", () => {
  const servers: CereRpcServer[] = []
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ccp-reconcile-own-'))
  })
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()))
    rmSync(dir, { recursive: true, force: true })
  })
  const serve = async (name: string, metadata: MetadataSource) => {
    const server = await startCereRpcServer(scenarioChain(name, CLUSTER), metadata.file)
    servers.push(server)
    return server
  }

  it('the billing-report generation of names (BillingReportInitialized, ProviderRewarded, BillingReportFinalized): export, then reconcile from the node and from the files', async () => {
    const server = await serve('legacy-names', OWN_LEGACY_METADATA)
    const params = join(dir, 'legacy-params.json')
    const out = join(dir, 'legacy.jsonl')
    const exported = await runCli(['events', 'export', '--ws', server.url, '--cluster', CLUSTER, '--era', '412', '--out', out, '--params-out', params])
    expect(exported.code).toBe(0)
    expect(exported.stdout).toBe('')
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(scenario('legacy-names').events, 'utf8'))
    const [fromNode, fromFiles] = await Promise.all([
      runCli(['reconcile', '--ws', server.url, '--cluster', CLUSTER, '--era', '412', '--usage', scenario('legacy-names').usage, '--json']),
      runCli(['reconcile', '--events', out, '--params', params, '--usage', scenario('legacy-names').usage, '--json']),
    ])
    expect(fromNode.code).toBe(0)
    expect(fromNode.json()).toEqual(fromFiles.json())
    expect(fromNode.json().verdict).toBe('balanced')
  })

  it('reconcile --ws on eras the corrected rules are about: a silent vault shortfall (exit 1), a failed charge (exit 0)', async () => {
    const [short, failed] = await Promise.all([serve('silent-shortfall', OWN_METADATA), serve('charge-error', OWN_METADATA)])
    const [a, b] = await Promise.all([
      runCli(['reconcile', '--ws', short.url, '--cluster', CLUSTER, '--era', '412', '--usage', scenario('silent-shortfall').usage, '--json']),
      runCli(['reconcile', '--ws', failed.url, '--cluster', CLUSTER, '--era', '412', '--usage', scenario('charge-error').usage]),
    ])
    expect(a.code).toBe(1)
    expect(a.json().conservation).toMatchObject({ undistributed: '40000', holds: false })
    expect(a.json().parties.some((p: { reason: string }) => /within MaxDust \(100000\): no NotDistributedReward/.test(p.reason))).toBe(true)
    expect(b.code).toBe(0)
    expect(b.stdout).toMatch(/charge failed \(ChargeError\): \d+ recorded as debt/)
    expect(b.stderr).toBe('')
  })

  it('events export --follow reads finalized heads as they come until ClusterEraPaid', async () => {
    const server = await startCereRpcServer(scenarioChain('balanced', CLUSTER, { finalized: 1, advanceMs: 20 }), OWN_METADATA.file)
    servers.push(server)
    const r = await runCli(['events', 'export', '--ws', server.url, '--cluster', CLUSTER, '--era', '412', '--follow', '--from', '1', '--timeout', '30'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(readFileSync(scenario('balanced').events, 'utf8'))
    expect(r.stderr).toMatch(/closed by ClusterEraPaid/)
  })
})
