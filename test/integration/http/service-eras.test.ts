import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eraListSchema, eraViewSchema } from '../../../src/schema/api-era.ts'
import { healthSchema, serviceEventSchema } from '../../../src/schema/api-service.ts'
import { startCereRpcServer, type CereRpcServer } from '../../support/cere-rpc-server.ts'
import { postgresAvailable, postgresSkipReason } from '../../support/postgres.ts'
import { OWN_METADATA, twoErasChain } from '../cere/chain-from-fixtures.ts'
import { eventually, openSse, startTestService, type Engine, type TestService } from './service-harness.ts'

const pg = await postgresAvailable()
const CLUSTER = '0x0d141c9f0eb6c16c7362ed52ade970085cb6690e'

/**
 * The era follower inside `serve` against the loopback Cere node: an era paid while the service runs is reconciled,
 * streamed on /v1/events and served as JSON and as the HTML report; node errors never stop the service.
 */
describe.each<[Engine, boolean]>([
  ['pglite', true],
  ['postgres', pg],
])('serve on %s with the era follower', (engine, available) => {
  if (!available) {
    it.skip(postgresSkipReason, () => undefined)
    return
  }
  let node: CereRpcServer
  let t: TestService

  beforeAll(async () => {
    node = await startCereRpcServer(twoErasChain(CLUSTER, { finalized: 2 }), OWN_METADATA.file)
    t = await startTestService(engine, { eras: { wsUrl: node.url, clusters: [CLUSTER] } })
  }, 120_000)

  afterAll(async () => {
    await t?.stop()
    await node?.close()
  })

  it('streams the verdict of an era as soon as its ClusterEraPaid is final, and serves its reconciliation', async () => {
    // the follower has read the chain up to its finalized head (block 2): what is finalized from now on is followed
    await eventually(async () => (healthSchema.parse(await (await fetch(`${t.url}/health`)).json()).eras.block === '2' ? true : undefined), 60_000, 'the era follower to read the chain')
    const sse = await openSse(`${t.url}/v1/events?kinds=era`)
    try {
      node.setFinalized(6) // era 412 closes in block 6
      const message = await sse.next((m) => m.event === 'era', 90_000)
      const event = serviceEventSchema.parse(JSON.parse(message.data))
      expect(event).toMatchObject({ kind: 'era', subject: `${CLUSTER}/412`, payload: { verdict: 'balanced', era: 412 }, block: '6' })
    } finally {
      sse.close()
    }
    const json = await fetch(`${t.url}/v1/eras/${CLUSTER.toUpperCase().replace('0X', '0x')}/412`)
    expect(json.status).toBe(200)
    expect(json.headers.get('vary')).toBe('Accept')
    const era = eraViewSchema.parse(await json.json())
    expect(era).toMatchObject({ clusterId: CLUSTER, era: 412, verdict: 'balanced', block: '6', source: `node ${node.url}`, reportUrl: `/v1/eras/${CLUSTER}/412?format=html` })
    expect(era.result.quorum).toEqual({ validators: 5, committed: 4, holds: true })
    expect(era.result.conservation.holds).toBe(true)

    for (const request of [fetch(`${t.url}/v1/eras/${CLUSTER}/412`, { headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } }), fetch(`${t.url}${era.reportUrl}`)]) {
      const html = await request
      expect(html.status).toBe(200)
      expect(html.headers.get('content-type')).toMatch(/^text\/html/)
      expect(html.headers.get('content-security-policy')).toContain("default-src 'none'")
      const text = await html.text()
      expect(text).toContain('<svg')
      expect(text).toContain('Money flow')
      expect(text).toContain('Era 412 of cluster')
    }
    expect((await fetch(`${t.url}/v1/eras/${CLUSTER}/412`, { headers: { Accept: 'application/json, text/html;q=0.5' } })).headers.get('content-type')).toMatch(/^application\/json/)
    const list = eraListSchema.parse(await (await fetch(`${t.url}/v1/eras?cluster=${CLUSTER}`)).json())
    expect(list.eras.map((e) => [e.era, e.verdict, e.conservationHolds, e.quorumHolds])).toEqual([[412, 'balanced', true, true]])
  }, 240_000)

  it('keeps serving while the Cere node fails, and says so in /health until it recovers', async () => {
    node.failNext('chain_getBlockHash', 3)
    node.setFinalized(12) // era 413 closes in block 12
    await eventually(async () => ((await (await fetch(`${t.url}/v1/eras/${CLUSTER}/413`)).status) === 200 ? true : undefined), 60_000, 'era 413 despite the errors')
    expect(t.logs.some((l) => l.scope === 'eras' && l.level === 'warn' && /retrying in/.test(l.message))).toBe(true)
    const health = healthSchema.parse(await (await fetch(`${t.url}/health`)).json())
    expect(health.eras.running).toBe(true)
    expect(BigInt(health.eras.block!)).toBeGreaterThanOrEqual(12n)
    expect((await fetch(`${t.url}/health`)).status).toBe(200)
  }, 180_000)
})
