import { describe, expect, it } from 'vitest'
import { buildScenario, SCENARIO } from '../../../fixtures/scripts/scenario.ts'
import { certify } from '../../../src/bridge/certify.ts'
import { publish } from '../../../src/bridge/publish.ts'
import { watchOnce, type WatchEvent } from '../../../src/bridge/watch.ts'
import { memoryGar, memoryRegistry, memoryState, memoryStore, scenarioEvidence, signer } from './memory-ports.ts'

const scenario = buildScenario()
const operator = signer(scenario.evm.operator.devPrivateKey)

async function published() {
  const { registry, calls, faults, records } = memoryRegistry()
  const store = memoryStore()
  const state = memoryState()
  const evidence = scenarioEvidence(scenario)
  const auditor = signer(scenario.evm.auditor.devPrivateKey)
  const result = await certify({ ...evidence, now: new Date(SCENARIO.now), registry, stakeContract: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512', auditor, store })
  if (!result.certified) throw new Error('refused')
  await publish({ bytes: new TextEncoder().encode(JSON.stringify(result.certificate)), store, registry, state, operator, agent: signer(scenario.evm.agent.devPrivateKey), auditors: [auditor] })
  const gar = memoryGar()
  gar.agreementsOf.set(scenario.agentServiceKey, [evidence.grants[0]!.text])
  return { ports: { registry, gar, store, state: memoryState(), operator }, calls, faults, records, certHash: result.certHash, evidence, gar }
}

const kinds = (events: WatchEvent[]) => events.map((e) => e.kind)

describe('watch', () => {
  it('tracks the operator\'s certificate, then revokes it once after the grant is revoked', async () => {
    const { ports, calls, certHash, evidence, gar } = await published()
    expect(kinds(await watchOnce(ports, { now: new Date(SCENARIO.now) }))).toEqual(['tracked'])
    expect(await watchOnce(ports, { now: new Date(SCENARIO.now) })).toEqual([])
    gar.agreementsOf.set(scenario.agentServiceKey, [evidence.revokedGrant])
    const events = await watchOnce(ports, { now: new Date(SCENARIO.revokedAt) })
    expect(events).toEqual([expect.objectContaining({ kind: 'revoked', certHash, reason: expect.stringContaining('revoked by the user') })])
    expect(calls.revoke).toBe(1)
    expect(await watchOnce(ports, { now: new Date(SCENARIO.revokedAt) })).toEqual([])
    expect(calls.revoke).toBe(1)
  })

  it('finishes a revocation interrupted by a crash on restart, exactly once', async () => {
    const { ports, calls, faults, certHash, evidence, gar } = await published()
    await watchOnce(ports, { now: new Date(SCENARIO.now) })
    gar.agreementsOf.set(scenario.agentServiceKey, [evidence.revokedGrant])
    faults.revoke = () => {
      throw new Error('connection dropped')
    }
    await expect(watchOnce(ports, { now: new Date(SCENARIO.revokedAt) })).rejects.toThrow(/connection dropped/)
    expect(await ports.state.read(`watch/action/${certHash}`)).toMatchObject({ state: 'pending' })
    delete faults.revoke
    const events = await watchOnce(ports, { now: new Date(SCENARIO.revokedAt) })
    expect(events.filter((e) => e.kind === 'revoked')).toHaveLength(1)
    expect(calls.revoke).toBe(2) // the failed attempt and the one that went through
    expect(await ports.state.read(`watch/action/${certHash}`)).toMatchObject({ state: 'done' })
    expect((await watchOnce(ports, { now: new Date(SCENARIO.revokedAt) })).filter((e) => e.kind === 'revoked')).toEqual([])
  })

  it('revokes a CHALLENGED certificate whose grant was revoked (the registry allows it; skipping would lose the action)', async () => {
    const { ports, calls, records, certHash, evidence, gar } = await published()
    await watchOnce(ports, { now: new Date(SCENARIO.now) })
    records.get(certHash)!.status = 'CHALLENGED'
    gar.agreementsOf.set(scenario.agentServiceKey, [evidence.revokedGrant])
    const events = await watchOnce(ports, { now: new Date(SCENARIO.revokedAt) })
    expect(events).toEqual([expect.objectContaining({ kind: 'revoked', certHash, txHash: expect.stringMatching(/^0x/) })])
    expect(calls.revoke).toBe(1)
    expect(records.get(certHash)!.status).toBe('REVOKED')
  })

  it('does not follow a consent read from an altered trail report: it warns instead of tracking an emptied grant list', async () => {
    const { ports, certHash } = await published()
    const store = ports.store as ReturnType<typeof memoryStore>
    const [reportUri, bytes] = [...store.files].find(([, b]) => new TextDecoder().decode(b).includes('"consent"'))!
    const report = JSON.parse(new TextDecoder().decode(bytes))
    store.files.set(reportUri, new TextEncoder().encode(JSON.stringify({ ...report, consent: { ...report.consent, grants: [] } })))
    const events = await watchOnce(ports, { now: new Date(SCENARIO.now) })
    expect(events).toEqual([expect.objectContaining({ kind: 'warning', certHash, message: expect.stringContaining('altered') })])
    expect(await ports.state.read(`watch/cert/${certHash}`)).toBeUndefined()
  })

  it('follows a certificate whose trail report was missing once it is back, though the cursor moved past its event', async () => {
    const { ports, calls, certHash, evidence, gar } = await published()
    const store = ports.store as ReturnType<typeof memoryStore>
    const [reportUri, bytes] = [...store.files].find(([, b]) => new TextDecoder().decode(b).includes('"consent"'))!
    store.files.delete(reportUri)
    expect(kinds(await watchOnce(ports, { now: new Date(SCENARIO.now) }))).toEqual(['warning'])
    expect(await watchOnce(ports, { now: new Date(SCENARIO.now) })).toEqual([])
    store.files.set(reportUri, bytes)
    expect(await watchOnce(ports, { now: new Date(SCENARIO.now) })).toEqual([{ kind: 'tracked', certHash, agent: scenario.evm.agent.address }])
    gar.agreementsOf.set(scenario.agentServiceKey, [evidence.revokedGrant])
    expect(kinds(await watchOnce(ports, { now: new Date(SCENARIO.revokedAt) }))).toEqual(['revoked'])
    expect(calls.revoke).toBe(1)
  })

  it('revokes when a grant behind the certificate expires', async () => {
    const { ports, certHash } = await published()
    const events = await watchOnce(ports, { now: new Date('2026-09-11T00:00:00Z') })
    expect(events).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'revoked', certHash, reason: expect.stringContaining('expired') })]))
  })

  it('reports a certificate near its expiry once', async () => {
    const { ports, certHash } = await published()
    const near = new Date('2026-08-10T00:00:00Z')
    const first = await watchOnce(ports, { now: near, warnDays: 7 })
    expect(first).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'expiring', certHash, daysLeft: 4 })]))
    expect((await watchOnce(ports, { now: near, warnDays: 7 })).filter((e) => e.kind === 'expiring')).toEqual([])
  })

  it('ignores certificates of other operators and a GAR answer with a forged revocation', async () => {
    const { ports, calls, evidence, gar } = await published()
    const other = { ...ports, operator: signer(scenario.evm.counterparty.devPrivateKey) }
    expect(await watchOnce(other, { now: new Date(SCENARIO.now) })).toEqual([])
    await watchOnce(ports, { now: new Date(SCENARIO.now) })
    const forged = structuredClone(evidence.revokedGrant) as { signature: { value: string } }
    forged.signature.value = forged.signature.value.replace(/.$/, (c) => (c === '0' ? '1' : '0'))
    gar.agreementsOf.set(scenario.agentServiceKey, [forged])
    expect(await watchOnce(ports, { now: new Date(SCENARIO.revokedAt) })).toEqual([])
    expect(calls.revoke).toBe(0)
  })
})
