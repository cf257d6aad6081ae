import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { changeOf, followChanges } from '../../../adapters/http/change-follower.ts'
import { DecisionCache, policyKey, type ComputeDecision } from '../../../adapters/http/decision-cache.ts'
import { eventFeed } from '../../../adapters/http/event-feed.ts'
import { silentLogger } from '../../../adapters/http/log.ts'
import { serviceMetrics } from '../../../adapters/http/metrics.ts'
import type { SqlDatabase } from '../../../adapters/sql/database.ts'
import { appendEvent } from '../../../adapters/sql/events.ts'
import { openDatabase } from '../../../adapters/sql/open-database.ts'
import type { Address, Hex } from '../../../src/ports.ts'
import type { VerifyAgentResult } from '../../../src/verify/verify-agent.ts'
import { freshSchema, postgresAvailable, postgresSkipReason, testDatabaseUrl } from '../../support/postgres.ts'
import { eventually } from './service-harness.ts'

const pg = await postgresAvailable()
const AGENT = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' as Address
const OTHER = '0x90F79bf6EB2c4f870365E785982E1f101E93b906' as Address
const CERT = `0x${'18'.repeat(32)}` as Hex
const NOW = new Date('2026-06-15T00:00:00Z')

/** A verify-agent stand-in that counts its runs and answers what the test sets. */
function fakeVerify() {
  const state = { runs: 0, block: 10n, decision: 'accept' as VerifyAgentResult['decision'], expiresAt: '2026-08-14T00:00:00Z', gate: undefined as Promise<void> | undefined }
  const compute: ComputeDecision = async (agent) => {
    state.runs++
    await state.gate
    const result: VerifyAgentResult = {
      agent,
      decision: state.decision,
      reasons: state.decision === 'accept' ? [] : [{ stage: 'status', code: 'CERTIFICATE_REVOKED', effect: 'reject', message: 'revoked' }],
      certHash: CERT,
      certificate: { validity: { issued_at: '2026-06-15T00:00:00Z', expires_at: state.expiresAt }, derived_metrics: { certificate_class: 'C2', containment_bound: '5000', containment_bound_denomination: 'USDC' }, identity: { agent_id: agent } } as never,
    }
    return { result, block: state.block }
  }
  return { state, compute }
}

describe.each<[string, boolean]>([
  ['pglite', true],
  ['postgres', pg],
])('the decisions cache on %s', (engine, available) => {
  if (!available) {
    it.skip(postgresSkipReason, () => undefined)
    return
  }
  let db: SqlDatabase
  let dir: string
  let drop: (() => Promise<void>) | undefined
  const cache = (compute: ComputeDecision, maxAgeMs?: number) => new DecisionCache({ db, compute, metrics: serviceMetrics(), log: silentLogger, ...(maxAgeMs ? { maxAgeMs } : {}) })

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ccp-cache-'))
    if (engine === 'postgres') {
      const fresh = freshSchema('cache')
      drop = fresh.drop
      db = await openDatabase({ url: testDatabaseUrl, schema: fresh.schema, dataDir: dir })
    } else db = await openDatabase({ dataDir: dir })
  })
  afterAll(async () => {
    await db?.close()
    await drop?.()
    rmSync(dir, { recursive: true, force: true })
  })

  it('computes once, answers from memory, and keys by agent and policy', async () => {
    const fake = fakeVerify()
    const c = cache(fake.compute)
    const first = await c.decide(AGENT, {}, NOW)
    expect(first).toMatchObject({ cached: false, block: 10n, decision: { decision: 'accept', certHash: CERT, computedAtBlock: '10' } })
    const again = await Promise.all([c.decide(AGENT, {}, NOW), c.decide(AGENT, {}, NOW)])
    expect(again.map((d) => d.cached)).toEqual([true, true])
    expect(fake.state.runs).toBe(1)
    await c.decide(AGENT, { min_class: 'C2' }, NOW)
    await c.decide(AGENT, { max_acceptable_loss: '10', min_class: 'C1' }, NOW)
    await c.decide(AGENT, { min_class: 'C1', max_acceptable_loss: '10' }, NOW)
    expect(fake.state.runs).toBe(3)
    expect(policyKey({ min_class: 'C1', max_acceptable_loss: '10' })).toBe(policyKey({ max_acceptable_loss: '10', min_class: 'C1' }))
  })

  it('drops what a registry change touches: the certificate, the agent, or anything for an unknown agent', async () => {
    const fake = fakeVerify()
    const c = cache(fake.compute)
    await c.decide(AGENT, {}, NOW)
    await c.decide(OTHER, {}, NOW)
    c.invalidate({ certHash: `0x${'99'.repeat(32)}`, agent: `0x${'11'.repeat(20)}` })
    expect((await c.decide(AGENT, {}, NOW)).cached).toBe(true)
    fake.state.decision = 'reject'
    c.invalidate({ certHash: CERT.toUpperCase().replace('0X', '0x') })
    expect((await c.decide(AGENT, {}, NOW)).decision.decision).toBe('reject')
    c.invalidate({ agent: OTHER.toLowerCase() })
    expect((await c.decide(OTHER, {}, NOW)).cached).toBe(false)
    c.invalidate({ all: true })
    expect(c.size).toBe(0)
  })

  it('never keeps a decision computed while a change arrived, nor an inconclusive one', async () => {
    const fake = fakeVerify()
    const c = cache(fake.compute)
    let open!: () => void
    fake.state.gate = new Promise((resolve) => (open = resolve))
    const pending = c.decide(AGENT, { min_class: 'C3' }, NOW)
    await eventually(async () => (fake.state.runs === 1 ? true : undefined), 5000)
    c.invalidate({ certHash: CERT })
    open()
    expect((await pending).cached).toBe(false)
    fake.state.gate = undefined
    expect((await c.decide(AGENT, { min_class: 'C3' }, NOW)).cached).toBe(false)
    expect(fake.state.runs).toBe(2)
    fake.state.decision = 'could-not-check'
    await c.decide(OTHER, { min_class: 'C3' }, NOW)
    await c.decide(OTHER, { min_class: 'C3' }, NOW)
    expect(fake.state.runs).toBe(4)
  })

  it('drops a decision when time alone changes it (expiry) and after its maximum age', async () => {
    const fake = fakeVerify()
    fake.state.expiresAt = '2026-06-15T00:00:10Z'
    const c = cache(fake.compute, 60_000)
    await c.decide(AGENT, { max_age_days: 5 }, NOW)
    expect((await c.decide(AGENT, { max_age_days: 5 }, new Date(NOW.getTime() + 9_000))).cached).toBe(true)
    expect((await c.decide(AGENT, { max_age_days: 5 }, new Date(NOW.getTime() + 10_000))).cached).toBe(false)
    fake.state.expiresAt = '2026-08-14T00:00:00Z'
    const later = new Date(NOW.getTime() + 100_000)
    await c.decide(AGENT, { max_age_days: 6 }, later)
    expect((await c.decide(AGENT, { max_age_days: 6 }, new Date(later.getTime() + 59_000))).cached).toBe(true)
    expect((await c.decide(AGENT, { max_age_days: 6 }, new Date(later.getTime() + 60_000))).cached).toBe(false)
  })

  it('keeps decisions in SQL across restarts, checked against the event log appended since', async () => {
    const fake = fakeVerify()
    await cache(fake.compute).decide(AGENT, { min_class: 'C1' }, NOW)
    const restarted = cache(fake.compute)
    expect(await restarted.decide(AGENT, { min_class: 'C1' }, NOW)).toMatchObject({ cached: true, block: 10n })
    expect(fake.state.runs).toBe(1)
    // an event about another certificate of another agent leaves it good; one about its agent does not
    await appendEvent(db, { kind: 'certificate', subject: `0x${'77'.repeat(32)}`, payload: { type: 'published', agent: OTHER, status: 'ACTIVE' }, block: 11n })
    expect((await cache(fake.compute).decide(AGENT, { min_class: 'C1' }, NOW)).cached).toBe(true)
    await appendEvent(db, { kind: 'certificate', subject: `0x${'78'.repeat(32)}`, payload: { type: 'published', agent: AGENT, status: 'ACTIVE' }, block: 12n })
    expect((await cache(fake.compute).decide(AGENT, { min_class: 'C1' }, NOW)).cached).toBe(false)
    // concentration thresholds: any certificate event drops it
    await cache(fake.compute).decide(AGENT, { max_auditor_share: 0.5 }, NOW)
    await appendEvent(db, { kind: 'certificate', subject: `0x${'79'.repeat(32)}`, payload: { type: 'revoked', agent: OTHER, status: 'REVOKED' }, block: 13n })
    expect((await cache(fake.compute).decide(AGENT, { max_auditor_share: 0.5 }, NOW)).cached).toBe(false)
  })

  it('follows the watcher: events appended by anyone drop decisions at once, the head moves after them', async () => {
    const fake = fakeVerify()
    const c = cache(fake.compute)
    const feed = await eventFeed(db)
    let head: bigint | undefined = 20n
    const follower = await followChanges({ db, feed, readHead: async () => head, onChange: (change) => c.invalidate(change), log: silentLogger, intervalMs: 60_000 })
    try {
      expect(follower.head()).toBe(20n)
      await c.decide(AGENT, {}, NOW)
      expect((await c.decide(AGENT, {}, NOW)).cached).toBe(true)
      head = 21n
      await appendEvent(db, { kind: 'certificate', subject: CERT, payload: { type: 'revoked', agent: AGENT, status: 'REVOKED' }, block: 21n })
      await eventually(async () => (c.size === 0 ? true : undefined), 10_000, 'the NOTIFY to drop the decision')
      await eventually(async () => (follower.head() === 21n ? true : undefined), 10_000)
      expect((await c.decide(AGENT, {}, NOW)).cached).toBe(false)
      await appendEvent(db, { kind: 'era', subject: '0x0d14/412', payload: { verdict: 'balanced' }, block: null })
      await follower.refresh()
      expect((await c.decide(AGENT, {}, NOW)).cached).toBe(true)
    } finally {
      follower.stop()
      await feed.close()
    }
    expect(changeOf({ id: '1', kind: 'certificate', subject: CERT, payload: { type: 'dropped' }, block: null, createdAt: NOW })).toEqual({ certHash: CERT, all: true })
  })
})
