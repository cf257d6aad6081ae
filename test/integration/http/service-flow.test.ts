import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCENARIO } from '../../../fixtures/scripts/scenario.ts'
import { agentListSchema, certificateViewSchema } from '../../../src/schema/api-certificate.ts'
import { decisionResponseSchema } from '../../../src/schema/api-decision.ts'
import { healthSchema, serviceEventSchema } from '../../../src/schema/api-service.ts'
import { postgresAvailable, postgresSkipReason } from '../../support/postgres.ts'
import { demoServiceOptions, startDemoChain, type DemoChain } from './demo-chain.ts'
import { eventually, openSse, startTestService, type Engine, type TestService } from './service-harness.ts'

const pg = await postgresAvailable()

/**
 * The service end to end, on each database engine: the demo agent certified and published through the CLI, the
 * service's watcher indexing the registry, decisions (cached, and dropped when the registry changes), the certificate
 * views, and the live event stream as the watcher revokes the certificate after the user revokes the grant.
 */
describe.each<[Engine, boolean]>([
  ['pglite', true],
  ['postgres', pg],
])('serve on %s: decisions, certificates and live events against anvil', (engine, available) => {
  if (!available) {
    it.skip(`${postgresSkipReason}`, () => undefined)
    return
  }
  let chain: DemoChain
  let t: TestService
  let published: Awaited<ReturnType<DemoChain['certifyAndPublish']>>
  let proxy: Awaited<ReturnType<typeof countingProxy>>
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${t.url}${path}`, { headers })
    return { status: response.status, headers: response.headers, body: (response.headers.get('content-type')?.includes('json') ? await response.json() : await response.text()) as any }
  }

  beforeAll(async () => {
    chain = await startDemoChain()
    published = await chain.certifyAndPublish()
    proxy = await countingProxy(chain.anvil.rpcUrl)
    t = await startTestService(engine, { ...demoServiceOptions(chain, proxy.url), limits: { heartbeatSeconds: 1 } })
  }, 240_000)

  afterAll(async () => {
    await t?.stop()
    await proxy?.close()
    await chain?.stop()
  })

  it('indexes the published certificate and lists the agent with it', async () => {
    const list = await eventually(async () => {
      const r = await get('/v1/agents')
      return r.body.agents?.length ? r.body : undefined
    }, 30_000, 'the watcher to index the certificate')
    const parsed = agentListSchema.parse(list)
    expect(parsed.agents).toHaveLength(1)
    expect(parsed.agents[0]!.agent).toBe(chain.agent)
    const cert = parsed.agents[0]!.certificates[0]!
    expect(cert).toMatchObject({ certHash: published.certHash, status: 'ACTIVE', certificateClass: 'C2', containmentBound: '5000', expiresAt: '2026-08-14T00:00:00Z', renewalDueAt: '2026-08-07T00:00:00Z', renewalDue: false, uri: published.uri })
    expect(cert.expiresInSeconds).toBe(60 * 86_400)
    const health = healthSchema.parse((await get('/health')).body)
    expect(health.status).toBe('ok')
    expect(health.watcher.running).toBe(true)
    expect(BigInt(health.watcher.head!)).toBeGreaterThanOrEqual(BigInt(cert.block!))
  })

  it('answers the decision with every check passed, then from the cache without any RPC', async () => {
    const first = await get(`/v1/agents/${chain.agent}/decision`)
    expect(first.status).toBe(200)
    const decision = decisionResponseSchema.parse(first.body)
    // the cached decision's text with what each request adds after it, in the schema's order
    expect(Object.keys(first.body).slice(-3)).toEqual(['block', 'cached', 'asOf'])
    expect(first.headers.get('content-type')).toBe('application/json')
    expect(decision).toMatchObject({ agent: chain.agent, decision: 'accept', reasons: [], certHash: published.certHash, uri: published.uri, status: 'ACTIVE', registryStatus: 'ACTIVE', cached: false, asOf: SCENARIO.now })
    expect(decision.certificate).toMatchObject({ certificateClass: 'C2', containmentBound: '5000', denomination: 'USDC', expiresAt: '2026-08-14T00:00:00Z', agentName: 'calendar-assistant.dragon-1' })

    // warm answers cost no call to the registry (the watcher keeps polling blocks and logs meanwhile)
    const callsBefore = proxy.count('eth_call')
    for (let i = 0; i < 20; i++) {
      const again = decisionResponseSchema.parse((await get(`/v1/agents/${i % 2 ? chain.agent.toLowerCase() : chain.agent}/decision`)).body)
      expect(again).toMatchObject({ decision: 'accept', cached: true, certHash: published.certHash })
      expect(BigInt(again.block)).toBeGreaterThanOrEqual(BigInt(decision.block))
    }
    expect(proxy.count('eth_call')).toBe(callsBefore)

    const strict = decisionResponseSchema.parse((await get(`/v1/agents/${chain.agent}/decision?minClass=C3&maxLoss=1000`)).body)
    expect(strict.decision).toBe('reject')
    expect(strict.reasons.map((r) => r.code)).toEqual(['POLICY_MIN_CLASS', 'POLICY_MAX_LOSS'])
    expect(strict.policy).toMatchObject({ min_class: 'C3', max_acceptable_loss: '1000' })
    expect(strict.cached).toBe(false)

    const metrics = (await get('/metrics')).body as string
    expect(metricValue(metrics, 'ccp_bridge_decision_cache_total{result="memory"}')).toBe(20)
    expect(metricValue(metrics, 'ccp_bridge_decision_cache_total{result="computed"}')).toBe(2)
    expect(metricValue(metrics, 'ccp_bridge_http_requests_total{method="GET",route="/v1/agents/:address/decision",status="200"}')).toBe(22)
    expect(metricValue(metrics, 'ccp_bridge_watcher_head_block')).toBeGreaterThan(0)
  })

  it('shows the certificate: document, registry record and lifecycle', async () => {
    const r = await get(`/v1/certificates/${published.certHash}`)
    expect(r.status).toBe(200)
    const view = certificateViewSchema.parse(r.body)
    expect(view.document).toEqual(JSON.parse(published.bytes.toString('utf8')))
    expect(view.record).toMatchObject({ certHash: published.certHash, agent: chain.agent, status: 'ACTIVE', certificateClass: 'C2', containmentBound: '5000', ipfsUri: published.uri })
    expect(view.lifecycle).toMatchObject({ status: 'ACTIVE', registryStatus: 'ACTIVE', expiresAt: '2026-08-14T00:00:00Z', expiresInSeconds: 60 * 86_400, renewalDue: false, replacedBy: null })
    expect(view.lifecycle.history.map((h) => h.status)).toEqual(['ACTIVE'])
    expect(view.lifecycle.history[0]!.summary).toMatch(/^published/)
    expect(view.cid).toBe(published.uri.replace('ipfs://', ''))
    // what the contracts hold: the auditor's bond and stake, the reserve, no challenge, not settled
    const chainView = view.lifecycle.onChain!
    expect(view.lifecycle.onChainProblem).toBeNull()
    expect(chainView).toMatchObject({ terminatedAt: null, graceEndsAt: null, settled: false, challengeOpen: false, challengeUpheld: false, challenges: [] })
    expect(chainView.auditors.map((a) => a.auditor)).toEqual(view.record.auditors)
    expect(chainView.auditors.every((a) => a.bonded && BigInt(a.staked) > 0n)).toBe(true)
  })

  it('serves the exact stored bytes with the CID as ETag, and 304 for If-None-Match', async () => {
    const path = `/v1/certificates/${published.certHash.toUpperCase().replace('0X', '0x')}/document`
    const response = await fetch(`${t.url}${path}`)
    expect(response.status).toBe(200)
    const etag = `"${published.uri.replace('ipfs://', '')}"`
    expect(response.headers.get('etag')).toBe(etag)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(Buffer.from(await response.arrayBuffer())).toEqual(published.bytes)
    const again = await fetch(`${t.url}${path}`, { headers: { 'If-None-Match': `W/"other", ${etag}` } })
    expect(again.status).toBe(304)
    expect(again.headers.get('etag')).toBe(etag)
    expect(await again.text()).toBe('')
    const unknown = await get(`/v1/certificates/0x${'ab'.repeat(32)}/document`)
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.code).toBe('CERTIFICATE_NOT_FOUND')
  })

  it('streams the revocation live when the user revokes the grant, and drops the cached decision', async () => {
    const sse = await openSse(`${t.url}/v1/events`)
    try {
      expect(sse.response.headers.get('content-type')).toMatch(/^text\/event-stream/)
      chain.revokeGrant()
      const message = await sse.next((m) => m.event === 'certificate' && JSON.parse(m.data).payload.status === 'REVOKED', 30_000)
      const event = serviceEventSchema.parse(JSON.parse(message.data))
      expect(event).toMatchObject({ kind: 'certificate', subject: published.certHash, payload: { type: 'revoked', agent: chain.agent, status: 'REVOKED' } })
      expect(message.id).toBe(event.id)

      const after = decisionResponseSchema.parse((await get(`/v1/agents/${chain.agent}/decision`)).body)
      expect(after).toMatchObject({ decision: 'reject', registryStatus: 'REVOKED', status: 'REVOKED', cached: false })
      expect(after.reasons.map((r) => r.code)).toContain('CERTIFICATE_REVOKED')
      expect(BigInt(after.block)).toBeGreaterThanOrEqual(event.block === null ? 0n : BigInt(event.block))

      const view = certificateViewSchema.parse((await get(`/v1/certificates/${published.certHash}`)).body)
      expect(view.lifecycle.status).toBe('REVOKED')
      expect(view.lifecycle.onChain!.terminatedAt).not.toBeNull()
      expect(view.lifecycle.history.map((h) => h.status)).toEqual(['ACTIVE', 'REVOKED'])

      // a heartbeat arrives while nothing happens
      await eventually(async () => (sse.comments.includes('ping') ? true : undefined), 5000, 'a heartbeat')
    } finally {
      sse.close()
    }
  })

  it('replays what a client missed after its Last-Event-ID, then ends every stream when the server stops', async () => {
    const replay = await openSse(`${t.url}/v1/events?kinds=certificate`, { 'Last-Event-ID': '0' })
    const revoked = await replay.next((m) => JSON.parse(m.data).payload.status === 'REVOKED')
    const ids = replay.messages.map((m) => BigInt(m.id!))
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)))
    expect(replay.messages.map((m) => JSON.parse(m.data).payload.type)).toEqual(['published', 'revoked'])
    const resumed = await openSse(`${t.url}/v1/events`, { 'Last-Event-ID': replay.messages[0]!.id! })
    expect((await resumed.next(() => true)).id).toBe(revoked.id)
    expect(metricValue((await get('/metrics')).body, 'ccp_bridge_sse_clients')).toBe(2)
    await t.stop()
    await replay.closedByServer()
    await resumed.closedByServer()
    expect(t.logs.filter((l) => /\n\s+at /.test(l.message) || Object.values(l.fields).some((v) => /\n\s+at /.test(String(v))))).toEqual([])
    expect(t.logs.filter((l) => l.level === 'error')).toEqual([])
    t = undefined as unknown as TestService
  })
})

/** The value of one series in Prometheus text (NaN when absent). */
function metricValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? Number.NaN : Number(line.slice(series.length + 1))
}

/**
 * A loopback JSON-RPC proxy in front of anvil that counts the calls by method (batches too), so a test sees whether
 * answering a request cost the service a call to the node.
 */
async function countingProxy(target: string) {
  const counts = new Map<string, number>()
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { method?: string } | Array<{ method?: string }>
      for (const call of Array.isArray(parsed) ? parsed : [parsed]) counts.set(String(call.method), (counts.get(String(call.method)) ?? 0) + 1)
    } catch {
      // not JSON: forwarded as it is
    }
    const upstream = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    response.writeHead(upstream.status, { 'content-type': 'application/json' }).end(Buffer.from(await upstream.arrayBuffer()))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: (method: string) => counts.get(method) ?? 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
