import { describe, expect, it } from 'vitest'
import { buildScenario, SCENARIO } from '../../../fixtures/scripts/scenario.ts'
import { certify } from '../../../src/bridge/certify.ts'
import { publish } from '../../../src/bridge/publish.ts'
import { watchOnce, type WatchEvent, type WatchOptions } from '../../../src/bridge/watch.ts'
import { backoffDelay, type Clock } from '../../../src/bridge/retry.ts'
import { runWatcher } from '../../../src/bridge/run-watcher.ts'
import { BridgeError } from '../../../src/errors.ts'
import type { Hex, RegistryEvent, StateStore } from '../../../src/ports.ts'
import { memoryIndex } from './memory-index.ts'
import { memoryGar, memoryRegistry, memoryState, memoryStore, scenarioEvidence, signer } from './memory-ports.ts'

const scenario = buildScenario()
const operator = signer(scenario.evm.operator.devPrivateKey)

async function published() {
  const chain = memoryRegistry()
  const { registry, calls, faults, records } = chain
  const store = memoryStore()
  const state = memoryState()
  const evidence = scenarioEvidence(scenario)
  const auditor = signer(scenario.evm.auditor.devPrivateKey)
  const result = await certify({ ...evidence, now: new Date(SCENARIO.now), registry, stakeContract: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512', auditor, store })
  if (!result.certified) throw new Error('refused')
  await publish({ bytes: new TextEncoder().encode(JSON.stringify(result.certificate)), store, registry, state, operator, agent: signer(scenario.evm.agent.devPrivateKey), auditors: [auditor], now: new Date(SCENARIO.now) })
  const gar = memoryGar()
  gar.agreementsOf.set(scenario.agentServiceKey, [evidence.grants[0]!.text])
  return { ports: { registry, gar, store, state: memoryState(), operator }, calls, faults, records, certHash: result.certHash, evidence, gar, chain }
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

/** A clock that records the waits asked of it and never waits; `random` fixed (the jitter's extremes). */
function fakeClock(random = 1): Clock & { sleeps: number[] } {
  const sleeps: number[] = []
  return { sleeps, now: () => new Date(SCENARIO.now), sleep: async (ms) => void sleeps.push(ms), random: () => random }
}

const down = () => new BridgeError('EVM_CALL_FAILED', 'getLogs failed: connection refused', { kind: 'io' })
const at = (when: string, extra: Partial<WatchOptions> = {}): WatchOptions => ({ now: new Date(when), ...extra })

/** A state store whose `lock` serialises by name, as the SQL store's advisory lock does across processes. */
function lockingState(shared = memoryState()): StateStore {
  const tails = new Map<string, Promise<unknown>>()
  return {
    read: (key) => shared.read(key),
    write: (key, value) => shared.write(key, value),
    keys: (prefix) => shared.keys(prefix),
    lock: <T>(name: string, fn: () => Promise<T>) => {
      const next = (tails.get(name) ?? Promise.resolve()).then(fn, fn)
      tails.set(name, next.catch(() => undefined))
      return next
    },
  }
}

describe('watch: confirmations and bounded ranges', () => {
  it('acts only on events at least `confirmations` blocks deep', async () => {
    const { ports, certHash, chain } = await published()
    const index = memoryIndex()
    const watch = () => watchOnce({ ...ports, index }, at(SCENARIO.now, { confirmations: 3 }))
    expect(await watch()).toEqual([]) // the publish is in the newest block
    chain.mine(2)
    expect(await watch()).toEqual([])
    expect(index.rows.size).toBe(0)
    chain.mine(1)
    expect(kinds(await watch())).toEqual(['tracked', 'indexed'])
    expect(index.rows.get(certHash)?.status).toBe('ACTIVE')
    expect(index.current()?.block).toBe((await ports.registry.blockNumber()) - 3n)
  })

  it('reads the chain in ranges of at most maxRange blocks, each block once, and saves its place range by range', async () => {
    const { ports, chain } = await published()
    chain.mine(20)
    const spans: Array<[bigint, bigint]> = []
    const registry = { ...ports.registry, events: async (from: bigint, to?: bigint) => (spans.push([from, to!]), ports.registry.events(from, to)) }
    const index = memoryIndex()
    await watchOnce({ ...ports, registry, index }, at(SCENARIO.now, { maxRange: 4 }))
    const latest = await ports.registry.blockNumber()
    expect(spans.every(([a, b]) => b - a + 1n <= 4n)).toBe(true)
    expect(spans[0]![0]).toBe(0n)
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBe(spans[i - 1]![1] + 1n)
    expect(spans.at(-1)![1]).toBe(latest)
    expect(index.current()?.block).toBe(latest)
    expect(index.current()?.recent?.length).toBe(spans.length - 1) // a checkpoint per range
    spans.length = 0
    await watchOnce({ ...ports, registry, index }, at(SCENARIO.now, { maxRange: 4 }))
    expect(spans).toEqual([]) // nothing new
  })

  it('halves a range the node refuses as too large, and keeps the smaller size for the rest of the scan', async () => {
    const { ports, chain, certHash } = await published()
    chain.mine(30)
    const spans: bigint[] = []
    const registry = {
      ...ports.registry,
      events: async (from: bigint, to?: bigint) => {
        if (to! - from + 1n > 5n) throw new BridgeError('EVM_CALL_FAILED', 'getLogs failed: block range is too wide', { kind: 'io', details: 'exceed maximum block range: 5' })
        spans.push(to! - from + 1n)
        return ports.registry.events(from, to)
      },
    }
    const clock = fakeClock()
    const events = await watchOnce({ ...ports, registry }, at(SCENARIO.now, { maxRange: 16, clock }))
    expect(events.filter((e) => e.kind === 'tracked').map((e) => (e as { certHash: Hex }).certHash)).toEqual([certHash])
    expect(Math.max(...spans.map(Number))).toBeLessThanOrEqual(5)
    expect(events.some((e) => e.kind === 'retry')).toBe(false) // a size refusal is split at once, not waited on
    expect(clock.sleeps).toEqual([])
  })
})

describe('watch: retries with capped, jittered backoff', () => {
  it('bounds every wait by maxMs, with the jitter between half and all of the exponential step', () => {
    const policy = { baseMs: 500, maxMs: 30_000 }
    for (let n = 0; n < 200; n++) {
      const step = Math.min(30_000, 500 * 2 ** Math.min(n, 40))
      expect(backoffDelay(n, policy, () => 0)).toBe(step / 2)
      expect(backoffDelay(n, policy, () => 1)).toBe(step)
      expect(backoffDelay(n, policy, () => 0.999)).toBeLessThanOrEqual(30_000)
    }
  })

  it('retries a node that fails, reporting each retry with its wait, then goes on', async () => {
    const { ports } = await published()
    let failures = 3
    const registry = { ...ports.registry, blockNumber: async () => (failures-- > 0 ? Promise.reject(down()) : ports.registry.blockNumber()) }
    const clock = fakeClock(1)
    const events = await watchOnce({ ...ports, registry }, at(SCENARIO.now, { clock, retry: { retries: 5, baseMs: 100, maxMs: 250 } }))
    const retries = events.filter((e) => e.kind === 'retry')
    expect(retries).toEqual([1, 2, 3].map((n) => expect.objectContaining({ kind: 'retry', what: 'read the newest block', attempt: n + 1, attempts: 6, code: 'EVM_CALL_FAILED', message: expect.stringContaining('connection refused') })))
    expect(clock.sleeps).toEqual([100, 200, 250])
    expect(kinds(events).at(-1)).toBe('tracked')
  })

  it('gives up after the retries: the round fails with the node\'s error (no cursor moved)', async () => {
    const { ports } = await published()
    const registry = { ...ports.registry, blockNumber: () => Promise.reject(down()) }
    const clock = fakeClock(0)
    await expect(watchOnce({ ...ports, registry }, at(SCENARIO.now, { clock, retry: { retries: 2, baseMs: 100, maxMs: 1000 } }))).rejects.toMatchObject({ code: 'EVM_CALL_FAILED' })
    expect(clock.sleeps).toEqual([50, 100])
    expect(await ports.state.keys('watch/cursor')).toEqual([])
  })

  it('never retries what would fail the same way again (a refused transaction, bad input)', async () => {
    const { ports } = await published()
    let calls = 0
    const registry = { ...ports.registry, blockNumber: () => (calls++, Promise.reject(new BridgeError('INPUT_BAD', 'bad', { kind: 'input' }))) }
    await expect(watchOnce({ ...ports, registry }, at(SCENARIO.now, { clock: fakeClock() }))).rejects.toMatchObject({ code: 'INPUT_BAD' })
    expect(calls).toBe(1)
  })

  it('a GAR that cannot be polled is an error for that certificate, never a revocation; a later round revokes', async () => {
    const { ports, calls, certHash, evidence, gar } = await published()
    await watchOnce(ports, at(SCENARIO.now))
    gar.agreementsOf.set(scenario.agentServiceKey, [evidence.revokedGrant])
    const unreachable = { description: 'GAR http://127.0.0.1:9', agreements: () => Promise.reject(new BridgeError('GAR_UNREACHABLE', 'cannot reach GAR at http://127.0.0.1:9', { kind: 'io' })) }
    const clock = fakeClock()
    const events = await watchOnce({ ...ports, gar: unreachable }, at(SCENARIO.revokedAt, { clock, retry: { retries: 1, baseMs: 10, maxMs: 10 } }))
    expect(events).toEqual([
      expect.objectContaining({ kind: 'retry', what: `poll GAR http://127.0.0.1:9 for ${certHash}` }),
      { kind: 'error', certHash, code: 'GAR_UNREACHABLE', message: expect.stringContaining('cannot poll GAR http://127.0.0.1:9') },
    ])
    expect(calls.revoke).toBe(0)
    expect(kinds(await watchOnce(ports, at(SCENARIO.revokedAt)))).toEqual(['revoked'])
    expect(calls.revoke).toBe(1)
  })
})

describe('watch: the registry index', () => {
  it('read-only (no operator): records every change with its status, never revokes nor polls GAR', async () => {
    const { ports, calls, certHash } = await published()
    await ports.registry.revoke(certHash, operator)
    const index = memoryIndex()
    const events = await watchOnce({ registry: ports.registry, store: ports.store, state: ports.state, index }, at(SCENARIO.revokedAt))
    expect(events).toEqual([
      expect.objectContaining({ kind: 'indexed', certHash, change: 'published', status: 'ACTIVE', agent: scenario.evm.agent.address }),
      expect.objectContaining({ kind: 'indexed', certHash, change: 'revoked', status: 'REVOKED' }),
    ])
    expect(calls.revoke).toBe(1) // ours above, none by the watcher
    expect(index.rows.get(certHash)?.change).toMatchObject({ type: 'published', operator: operator.address, certificateClass: 'C2', uri: expect.stringMatching(/^ipfs:\/\//), issuedAt: expect.any(Number), expiresAt: expect.any(Number) })
    expect(await ports.state.keys('watch/')).toEqual([]) // no operator cursor, nothing followed
  })

  it('follows the registry through challenges, dismissals, renewals and settlement, and skips events it does not know', async () => {
    const { ports, certHash, chain } = await published()
    const index = memoryIndex()
    const watch = () => watchOnce({ ...ports, operator: undefined, gar: undefined, index }, at(SCENARIO.now))
    await watch()
    const agent = scenario.evm.agent.address
    const next = async (kind: RegistryEvent['kind'], extra: Partial<RegistryEvent> = {}) => {
      chain.mine(1)
      chain.events.push({ kind, certHash, agent, logIndex: 0, ...extra, blockNumber: await ports.registry.blockNumber() })
    }
    await next('challenged')
    await next('challenge-resolved', { upheld: false })
    await next('other', { name: 'ReserveTopUp' })
    await next('challenged')
    await next('challenge-resolved', { upheld: true })
    await next('revoked')
    await next('challenged') // a challenge during the grace period: REVOKED stays REVOKED
    await next('settled', { upheld: true })
    const statuses = (await watch()).filter((e) => e.kind === 'indexed').map((e) => [(e as { change: string }).change, (e as { status?: string }).status])
    expect(statuses).toEqual([
      ['challenged', 'CHALLENGED'],
      ['challenge-resolved', 'ACTIVE'],
      ['challenged', 'CHALLENGED'],
      ['challenge-resolved', 'CHALLENGED'],
      ['revoked', 'REVOKED'],
      ['challenged', 'REVOKED'],
      ['settled', 'REVOKED'],
    ])
    expect(index.rows.get(certHash)?.status).toBe('REVOKED')
  })

  it('a reorg deeper than the confirmations: the index drops what the lost blocks held and reads the new chain', async () => {
    const { ports, certHash, chain } = await published()
    chain.mine(2)
    const index = memoryIndex()
    const watch = () => watchOnce({ registry: ports.registry, store: ports.store, state: ports.state, index }, at(SCENARIO.now))
    expect(kinds(await watch())).toEqual(['indexed'])
    chain.reorg(3) // the publish block and the two after it are gone
    chain.mine(4)
    const events = await watch()
    expect(events[0]).toEqual({ kind: 'reorg', cursor: 'index', block: 4n, rewoundTo: null, message: expect.stringContaining('block 4 is no longer on the chain') })
    expect(events[1]).toMatchObject({ kind: 'warning', certHash, message: expect.stringContaining('dropped from the index') })
    expect(index.rows.has(certHash)).toBe(false)
    expect(index.log.map((l) => l.type)).toEqual(['published', 'dropped'])
    expect(index.current()?.block).toBe(5n)
  })

  it('a reorg within the confirmations never reaches the watcher: nothing followed, nothing revoked', async () => {
    const { ports, calls, evidence, gar, chain } = await published()
    gar.agreementsOf.set(scenario.agentServiceKey, [evidence.revokedGrant])
    const index = memoryIndex()
    const watch = () => watchOnce({ ...ports, index }, at(SCENARIO.revokedAt, { confirmations: 2 }))
    expect(await watch()).toEqual([])
    chain.reorg(1) // the block holding the publish is dropped
    chain.mine(5)
    expect(await watch()).toEqual([])
    expect(calls.revoke).toBe(0)
    expect(index.rows.size).toBe(0)
    expect(await ports.state.keys('watch/cert/')).toEqual([])
  })
})

describe('watch: exactly-once revocation', () => {
  it('two watchers on one state revoke once: the lock makes the second re-read the first one\'s decision', async () => {
    const { ports, calls, certHash, evidence, gar } = await published()
    const shared = memoryState()
    const a = { ...ports, state: lockingState(shared) }
    const b = { ...ports, state: lockingState(shared) }
    // both processes' locks must be one lock: share the lock function too
    b.state.lock = a.state.lock
    await watchOnce(a, at(SCENARIO.now))
    gar.agreementsOf.set(scenario.agentServiceKey, [evidence.revokedGrant])
    const [first, second] = await Promise.all([watchOnce(a, at(SCENARIO.revokedAt)), watchOnce(b, at(SCENARIO.revokedAt))])
    expect([...first, ...second].filter((e) => e.kind === 'revoked')).toEqual([expect.objectContaining({ certHash, txHash: expect.stringMatching(/^0x/) })])
    expect(calls.revoke).toBe(1)
  })

  it('a crash after the transaction, before `done` is recorded: the restart sees the registry and sends nothing', async () => {
    const { ports, calls, certHash, evidence, gar } = await published()
    await watchOnce(ports, at(SCENARIO.now))
    gar.agreementsOf.set(scenario.agentServiceKey, [evidence.revokedGrant])
    const crash = (step: string) => {
      if (step === 'revoke-sent') throw new Error('killed')
    }
    await expect(watchOnce(ports, at(SCENARIO.revokedAt, { afterStep: crash }))).rejects.toThrow('killed')
    expect(await ports.state.read(`watch/action/${certHash}`)).toMatchObject({ state: 'pending' })
    expect(calls.revoke).toBe(1)
    const events = await watchOnce(ports, at(SCENARIO.revokedAt))
    expect(events).toEqual([expect.objectContaining({ kind: 'revoked', certHash, note: 'already REVOKED on the registry' })])
    expect(calls.revoke).toBe(1)
  })
})

describe('runWatcher: the daemon loop', () => {
  const loopClock = (onSleep: (ms: number, n: number) => void) => {
    const sleeps: number[] = []
    const clock: Clock = { now: () => new Date(SCENARIO.now), random: () => 1, sleep: async (ms) => void onSleep(ms, sleeps.push(ms)) }
    return { clock, sleeps }
  }

  it('runs rounds every interval until its signal aborts, then returns at once', async () => {
    const { ports } = await published()
    const controller = new AbortController()
    const { clock, sleeps } = loopClock((_ms, n) => n === 3 && controller.abort())
    const log: WatchEvent[] = []
    const result = await runWatcher(ports, { clock, signal: controller.signal, intervalMs: 5000, log: (e) => log.push(e) })
    expect(result).toEqual({ rounds: 3, stoppedBy: 'signal', errors: [] })
    expect(sleeps).toEqual([5000, 5000, 5000])
    expect(kinds(log)).toEqual(['tracked'])
  })

  it('a daemon survives rounds that fail: each is reported, the next waits at least the interval and backs off', async () => {
    const { ports } = await published()
    let failing = 3
    const registry = { ...ports.registry, blockNumber: async () => (failing-- > 0 ? Promise.reject(down()) : ports.registry.blockNumber()) }
    const controller = new AbortController()
    const { clock, sleeps } = loopClock((_ms, n) => n === 4 && controller.abort())
    const log: WatchEvent[] = []
    const result = await runWatcher({ ...ports, registry }, { clock, signal: controller.signal, intervalMs: 1000, retry: { retries: 0, baseMs: 800, maxMs: 2500 }, log: (e) => log.push(e) })
    expect(result.stoppedBy).toBe('signal')
    expect(log.filter((e) => e.kind === 'error')).toHaveLength(3)
    expect(log.find((e) => e.kind === 'error')).toMatchObject({ code: 'EVM_CALL_FAILED', message: expect.stringContaining('the round failed') })
    expect(sleeps).toEqual([1000, 1600, 2500, 1000]) // max(interval, backoff) while failing, the interval once it works
    expect(kinds(log).at(-1)).toBe('tracked')
  })

  it('for scripts (stopOnError): returns at the first round that could not check everything, and probes GAR first', async () => {
    const { ports } = await published()
    const unreachable = { description: 'GAR http://127.0.0.1:9', agreements: () => Promise.reject(new BridgeError('GAR_UNREACHABLE', 'cannot reach GAR at http://127.0.0.1:9', { kind: 'io' })) }
    const { clock } = loopClock(() => undefined)
    const log: WatchEvent[] = []
    const result = await runWatcher({ ...ports, gar: unreachable }, { clock, signal: new AbortController().signal, intervalMs: 1, rounds: 3, stopOnError: true, retry: { retries: 1, baseMs: 1, maxMs: 1 }, log: (e) => log.push(e) })
    expect(result).toEqual({ rounds: 0, stoppedBy: 'error', errors: [expect.objectContaining({ kind: 'error', code: 'GAR_UNREACHABLE', message: expect.stringContaining('cannot poll GAR http://127.0.0.1:9') })] })
    expect(kinds(log)).toEqual(['retry', 'error'])
  })
})
