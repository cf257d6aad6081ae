import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseScpRecord, verifySignedRecord } from '../../../src/activity/scp-record.ts'
import { auditTrail } from '../../../src/activity/trail-audit.ts'
import { buildBatch, buildScpRecord } from '../../../src/activity/build.ts'
import { buildRound } from '../../../src/attestation/build-round.ts'
import { verifyGrant } from '../../../src/consent/verify-grant.ts'
import { sr25519FromSeed, sr25519Ready } from '../../../src/crypto/sr25519.ts'
import { ed25519FromSeed } from '../../../src/crypto/ed25519.ts'
import { parseNodeAnswer } from '../../../src/activity/node-answer.ts'
import { BridgeError } from '../../../src/errors.ts'
import { KeysFileSchema } from '../../../src/schema/evidence-scp.ts'
import { TrailReportSchema, type Batch, type Round } from '../../../src/schema/evidence-trail.ts'
import { keys, NOW } from '../../../fixtures/scripts/evidence.ts'

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/evidence/${name}`, import.meta.url), 'utf8')
const now = new Date(NOW)
const grants = ['grants/calendar.json', 'grants/email.json'].map((f) => verifyGrant({ text: fixture(f), file: f }, now))
const keysFile = KeysFileSchema.parse(JSON.parse(fixture('keys.json')))

function load(name: string) {
  const records = []
  const batches: Batch[] = []
  const rounds: Round[] = []
  for (const [i, line] of fixture(name).trim().split('\n').entries()) {
    const value = JSON.parse(line)
    if (value.type === 'batch') batches.push(value)
    else if (value.type === 'attestation_round') rounds.push(value)
    else records.push(parseScpRecord(value, { file: name, where: `line ${i + 1}` }))
  }
  return { records, batches, rounds }
}

describe('SCP agent records', () => {
  it('verifies all three role signatures over the exact payload bytes', () => {
    const { records } = load('trail.jsonl')
    expect(records).toHaveLength(6)
    for (const r of records) expect(verifySignedRecord(r)).toMatchObject({ valid: true, signatures: 3, validSignatures: 3 })
  })

  it('refuses a missing role, a role signed by a key other than the agent, and a flipped signature', () => {
    const { records } = load('trail.jsonl')
    const r = records[0]!
    expect(verifySignedRecord({ ...r, checks: r.checks.slice(0, 2) }).reasons).toEqual(['missing the agent-runtime signature (all of agent-derived-key, orchestrator, agent-runtime are required)'])
    const swapped = { ...r, checks: r.checks.map((c) => (c.role === 'agent-derived-key' ? { ...c, signer: keys.orchestrator.publicKey } : c)) }
    expect(verifySignedRecord(swapped).reasons.join()).toMatch(/not the record's agent/)
    const flipped = { ...r, checks: r.checks.map((c, i) => (i === 2 ? { ...c, value: c.value.map((b, j) => (j === 5 ? b ^ 1 : b)) } : c)) }
    expect(verifySignedRecord(flipped).reasons).toEqual(['signatures[2] (agent-runtime): ed25519 signature does not verify'])
  })

  it('accepts an sr25519 agent-runtime signature', async () => {
    await sr25519Ready()
    const runtime = { ...sr25519FromSeed(new Uint8Array(32).fill(60)), algorithm: 'sr25519' as const }
    const payload = JSON.parse(Buffer.from(load('trail.jsonl').records[0]!.payloadBytes).toString())
    const envelope = buildScpRecord(payload, { 'agent-derived-key': keys.agent, orchestrator: keys.orchestrator, 'agent-runtime': runtime })
    expect(verifySignedRecord(parseScpRecord(envelope)).valid).toBe(true)
  })

  it('names the item and field of unreadable records', () => {
    const envelope = JSON.parse(fixture('trail.jsonl').split('\n')[0]!)
    const bad: Array<[unknown, RegExp]> = [
      [{ payload: 1, signatures: [] }, /line 9 \$\.payload/],
      [{ ...envelope, payload: '***' }, /line 9 \$\.payload/],
      [{ ...envelope, signatures: [{ ...envelope.signatures[0], value: 'nothex' }] }, /line 9 \$\.signatures\[0\]\.value/],
    ]
    for (const [value, where] of bad) {
      const error = (() => {
        try {
          parseScpRecord(value, { file: 't.jsonl', where: 'line 9' })
        } catch (e) {
          return e as BridgeError
        }
      })()
      expect(error).toBeInstanceOf(BridgeError)
      expect(error!.message).toMatch(where)
      expect(error!.file).toBe('t.jsonl')
    }
  })
})

describe('trail audit', () => {
  it('passes the generated trail: grants cover every record, keys match, batch root matches, round passes', () => {
    const report = auditTrail({ ...load('trail.jsonl'), grants, keys: keysFile })
    expect(TrailReportSchema.parse(report)).toEqual(report)
    expect(report).toMatchObject({ ok: true, records: 6, signatures: 18, valid: 6, outOfScope: 0, attested: 6, invalid: [], findings: [] })
    expect(report.batches).toEqual([expect.objectContaining({ records: 6, matches: true })])
    expect(report.rounds).toEqual([expect.objectContaining({ passed: true, agreeing: 4, assigned: 5 })])
    expect(report.totals.byScope['v-7c21a9 / calendar']).toEqual({ records: 3, bytes: 12000, ops: 3, cpu_ms: 1212, gpu_units: 2.52 })
  })

  it('reports each broken rule with the record id', () => {
    const cases: Array<[string, string, string | undefined]> = [
      ['cases/trail-out-of-scope.jsonl', 'NO_COVERING_GRANT', 'dac-0007'],
      ['cases/trail-grant-expired.jsonl', 'GRANT_NOT_ACTIVE', 'dac-0008'],
      ['cases/trail-other-agent.jsonl', 'GRANT_AGENT_MISMATCH', 'dac-0009'],
      ['cases/trail-rogue-orchestrator.jsonl', 'ROLE_KEY_MISMATCH', 'dac-0010'],
      ['cases/trail-duplicate.jsonl', 'DUPLICATE_RECORD', 'dac-0003'],
      ['cases/trail-bad-signature.jsonl', 'INVALID_SIGNATURE', 'dac-0002'],
      ['cases/trail-round-fails.jsonl', 'ROUND_FAILED', undefined],
      ['cases/trail-batch-mismatch.jsonl', 'BATCH_ROOT_MISMATCH', undefined],
    ]
    for (const [file, code, recordId] of cases) {
      const report = auditTrail({ ...load(file), grants, keys: keysFile })
      expect(report.ok, file).toBe(false)
      expect(report.findings, file).toContainEqual(expect.objectContaining({ code, ...(recordId ? { recordId } : {}) }))
    }
  })

  it('never counts records of a failed round as attested', () => {
    const report = auditTrail({ ...load('cases/trail-round-fails.jsonl'), grants, keys: keysFile })
    expect(report.attested).toBe(0)
    expect(report.findings.filter((f) => f.code === 'NOT_ATTESTED')).toHaveLength(6)
  })

  it('selects an agent and a period, and without grants checks signatures only', () => {
    const trail = load('cases/trail-other-agent.jsonl')
    const mine = auditTrail({ records: trail.records, grants, keys: keysFile, agent: `ed25519:${Buffer.from(keys.agent.publicKey).toString('hex')}` })
    expect(mine).toMatchObject({ ok: true, records: 6, excluded: 1 })
    // the batch and its round cover every agent's records: the other agent's record still counts for the root
    const withBatch = auditTrail({ ...trail, grants, keys: keysFile, agent: `ed25519:${Buffer.from(keys.agent.publicKey).toString('hex')}` })
    expect(withBatch).toMatchObject({ ok: true, records: 6, excluded: 1, attested: 6, findings: [] })
    expect(withBatch.batches).toEqual([expect.objectContaining({ records: 7, matches: true })])
    const july = auditTrail({ records: load('trail.jsonl').records, period: { from: new Date('2026-07-02T00:00:00Z'), to: new Date('2026-07-04T23:59:59Z') } })
    expect(july).toMatchObject({ ok: true, records: 3, excluded: 3, audited: false })
    const unaudited = auditTrail({ records: load('cases/trail-out-of-scope.jsonl').records })
    expect(unaudited).toMatchObject({ ok: true, audited: false, outOfScope: 0 })
  })

  it('builds batches whose root covers the payload bytes in order', () => {
    const { records } = load('trail.jsonl')
    const batch = buildBatch('dragon-1', 412, records.map((r) => ({ recordId: r.recordId, bytes: r.payloadBytes })))
    const round = buildRound({ cluster: 'dragon-1', era: 412, batch_root: batch.root, assigned: keys.validators.map((v) => v.publicKey), votes: keys.validators.map((signer) => ({ signer, verdict: 'PASS' as const })) })
    expect(batch.root).toBe(load('trail.jsonl').batches[0]!.root)
    expect(auditTrail({ records, batches: [batch], rounds: [round] }).rounds[0]).toMatchObject({ passed: true, agreeing: 5 })
  })

  it('counts a passed round only for the batch of its own cluster and era', () => {
    const { records, batches } = load('trail.jsonl')
    const batch = batches[0]!
    const assigned = keys.validators.map((v) => v.publicKey)
    const votes = keys.validators.map((signer) => ({ signer, verdict: 'PASS' as const }))
    const otherEra = buildRound({ cluster: batch.cluster, era: batch.era + 1, batch_root: batch.root, assigned, votes })
    const report = auditTrail({ records, batches, rounds: [otherEra] })
    expect(report.rounds[0]).toMatchObject({ passed: true, era: batch.era + 1 })
    expect(report.attested).toBe(0)
    expect(report.findings).toContainEqual(expect.objectContaining({ code: 'ROUND_WITHOUT_BATCH' }))
  })

  it('tells apart two signed answers of the same node', () => {
    const node = ed25519FromSeed(new Uint8Array(32).fill(71))
    const answer = (payload: string) =>
      parseNodeAnswer(`{"payload":${payload},"signer":"${Buffer.from(node.publicKey).toString('base64')}","signature":"${Buffer.from(node.sign(Buffer.from(payload))).toString('base64')}"}`, { file: `${payload}.json` })
    const report = auditTrail({ records: [answer('{"bucket_id":1}'), answer('{"bucket_id":2}')] })
    expect(report).toMatchObject({ ok: true, records: 2, valid: 2, findings: [] })
  })
})
