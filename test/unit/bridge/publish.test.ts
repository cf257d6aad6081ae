import { describe, expect, it } from 'vitest'
import { buildScenario, SCENARIO } from '../../../fixtures/scripts/scenario.ts'
import { certify } from '../../../src/bridge/certify.ts'
import { publish, type PublishInput } from '../../../src/bridge/publish.ts'
import { BridgeError } from '../../../src/errors.ts'
import { memoryRegistry, memoryState, memoryStore, scenarioEvidence, signer } from './memory-ports.ts'

const scenario = buildScenario()
const operator = signer(scenario.evm.operator.devPrivateKey)
const agent = signer(scenario.evm.agent.devPrivateKey)
const auditor = signer(scenario.evm.auditor.devPrivateKey)

async function setup() {
  const { registry, calls, records } = memoryRegistry()
  const store = memoryStore()
  const state = memoryState()
  const result = await certify({ ...scenarioEvidence(scenario), now: new Date(SCENARIO.now), registry, stakeContract: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512', auditor, store })
  if (!result.certified) throw new Error('certify refused')
  const bytes = new TextEncoder().encode(JSON.stringify(result.certificate, null, 2))
  const input: PublishInput = { bytes, store, registry, state, operator, agent, auditors: [auditor] }
  return { input, calls, records, store, state, certHash: result.certHash }
}

const crashAfter = (step: string) => (s: string) => {
  if (s === step) throw new Error(`simulated crash after ${step}`)
}

describe('publish', () => {
  it('stores, stakes, anchors and verifies, recording each step', async () => {
    const { input, calls, state, certHash } = await setup()
    const r = await publish(input)
    expect(r).toMatchObject({ certHash, stored: 'written', alreadyAnchored: false })
    expect(calls).toEqual({ publish: 1, revoke: 0, stake: 1 })
    expect(await state.read(`publish/${certHash}`)).toMatchObject({ step: 'verified', uri: r.uri })
  })

  it('a crash between store and anchor, retried: one anchor, the same document', async () => {
    const { input, calls, store, state, certHash } = await setup()
    await expect(publish({ ...input, afterStep: crashAfter('stored') })).rejects.toThrow(/crash after stored/)
    expect(calls.publish).toBe(0)
    expect(await state.read(`publish/${certHash}`)).toMatchObject({ step: 'stored' })
    const r = await publish(input)
    expect(r.stored).toBe('present')
    expect(calls.publish).toBe(1)
    expect(store.files.size).toBe(2) // the trail report and the certificate
  })

  it('a crash after the anchor but before it was recorded never anchors twice', async () => {
    const { input, calls } = await setup()
    await expect(publish({ ...input, afterStep: crashAfter('anchored') })).rejects.toThrow(/crash after anchored/)
    const r = await publish(input)
    expect(r.alreadyAnchored).toBe(true)
    expect(calls.publish).toBe(1)
    const again = await publish(input)
    expect(again.alreadyAnchored).toBe(true)
    expect(calls.publish).toBe(1)
  })

  it('a dropped RPC connection after the transaction went through: the retry finds the anchor and does not resend', async () => {
    const { input, calls } = await setup()
    const realPublish = input.registry.publish
    const flaky = {
      ...input.registry,
      publish: async (request: Parameters<typeof realPublish>[0]) => {
        await realPublish(request)
        throw new BridgeError('EVM_CALL_FAILED', 'publish failed: socket hang up', { kind: 'io' })
      },
    }
    await expect(publish({ ...input, registry: flaky })).rejects.toMatchObject({ code: 'EVM_CALL_FAILED' })
    const r = await publish({ ...input, registry: flaky })
    expect(r.alreadyAnchored).toBe(true)
    expect(calls.publish).toBe(1)
  })

  it('refuses success when the stored bytes no longer hash to their URI', async () => {
    const { input, store } = await setup()
    await expect(
      publish({
        ...input,
        afterStep: (step) => {
          if (step === 'anchored') for (const [uri, bytes] of store.files) if (bytes.length === input.bytes.length) store.files.set(uri, new TextEncoder().encode('{}'))
        },
      }),
    ).rejects.toMatchObject({ code: 'PUBLISH_STORE_MISMATCH' })
  })

  it('refuses when the auditor has not staked and no auditor key is at hand', async () => {
    const { input, calls } = await setup()
    const error = await publish({ ...input, auditors: [] }).catch((e) => e)
    expect(error).toBeInstanceOf(BridgeError)
    expect(error.code).toBe('AUDITOR_NOT_STAKED')
    expect(error.kind).toBe('check')
    expect(calls.publish).toBe(0)
  })

  it('a stake the registry cannot take (a fraction of wei) is refused before any stake transaction', async () => {
    const { input, calls } = await setup()
    const cert = JSON.parse(new TextDecoder().decode(input.bytes))
    cert.attestations[0].stake_amount = '1500.5'
    const error = await publish({ ...input, bytes: new TextEncoder().encode(JSON.stringify(cert)) }).catch((e) => e)
    expect(error).toMatchObject({ code: 'ONCHAIN_AMOUNT_NOT_WHOLE', path: '$.attestations[0].stake_amount' })
    expect(calls).toEqual({ publish: 0, revoke: 0, stake: 0 })
  })

  it('rejects bytes that are not a certificate, naming the JSON path', async () => {
    const { input } = await setup()
    await expect(publish({ ...input, bytes: new TextEncoder().encode('{"version": "0.2.0"}') })).rejects.toMatchObject({ code: 'CERTIFICATE_SCHEMA' })
    await expect(publish({ ...input, bytes: new TextEncoder().encode('not json') })).rejects.toMatchObject({ code: 'CERTIFICATE_NOT_JSON' })
  })
})
