import { describe, expect, it } from 'vitest'
import { buildScenario, SCENARIO } from '../../../fixtures/scripts/scenario.ts'
import { certify } from '../../../src/bridge/certify.ts'
import { publish, type PublishInput } from '../../../src/bridge/publish.ts'
import { certificateUri } from '../../../src/certificate/hash.ts'
import { BridgeError } from '../../../src/errors.ts'
import { memoryRegistry, memoryState, memoryStore, scenarioEvidence, signer } from './memory-ports.ts'
import { INVALID_CERTIFICATE_EDITS } from '../../support/invalid-certificates.ts'

const scenario = buildScenario()
const operator = signer(scenario.evm.operator.devPrivateKey)
const agent = signer(scenario.evm.agent.devPrivateKey)
const auditor = signer(scenario.evm.auditor.devPrivateKey)
const now = new Date(SCENARIO.now)

async function setup() {
  const { registry, calls, records } = memoryRegistry()
  const store = memoryStore()
  const state = memoryState()
  const result = await certify({ ...scenarioEvidence(scenario), now, registry, stakeContract: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0', auditor, store })
  if (!result.certified) throw new Error('certify refused')
  const bytes = new TextEncoder().encode(JSON.stringify(result.certificate, null, 2))
  const input: PublishInput = { bytes, store, registry, state, operator, agent, auditors: [auditor], now }
  return { input, calls, records, store, state, certHash: result.certHash, certificate: result.certificate }
}

const crashAfter = (step: string) => (s: string) => {
  if (s === step) throw new Error(`simulated crash after ${step}`)
}
const edited = (bytes: Uint8Array, change: (cert: any) => void) => {
  const cert = JSON.parse(new TextDecoder().decode(bytes))
  change(cert)
  return new TextEncoder().encode(JSON.stringify(cert))
}
/** An edited certificate whose attestation the auditor signs again (its certHash changed). */
const resigned = async (bytes: Uint8Array, change: (cert: any) => void) => {
  const cert = JSON.parse(new TextDecoder().decode(edited(bytes, change)))
  const { certificateHash } = await import('../../../src/certificate/hash.ts')
  const { certificateAttestMessage } = await import('../../../src/certificate/onchain.ts')
  const { ccpDomain, ccpTypes } = await import('../../../src/crypto/eip712.ts')
  cert.attestations[0].signature = await auditor.signTypedData({ domain: ccpDomain(31337, '0x5FbDB2315678afecb367f032d93F642f64180aa3'), types: ccpTypes, primaryType: 'Attest', message: certificateAttestMessage(cert, certificateHash(cert), 0) })
  return new TextEncoder().encode(JSON.stringify(cert))
}

describe('publish', () => {
  it('funds the reserve, stakes, anchors, then stores, and verifies both, recording each step', async () => {
    const { input, calls, state, certHash } = await setup()
    const r = await publish(input)
    expect(r).toMatchObject({ certHash, stored: 'written', alreadyAnchored: false })
    expect(r.reserve).toMatchObject({ symbol: 'USDC', amount: 15_000_000_000n, required: 15_000_000_000n, fundedNow: 15_000_000_000n })
    expect(r.stakes).toEqual([{ auditor: auditor.address, staked: 1_500_000_000n, stakedNow: 1_500_000_000n }])
    expect(calls).toEqual({ publish: 1, revoke: 0, stake: 1, fund: 1 })
    expect(await state.read(`publish/${certHash}`)).toMatchObject({ step: 'verified', uri: r.uri })
  })

  it('never reveals the document before its anchor: a failed anchor leaves the store without it', async () => {
    const { input, store } = await setup()
    const failing = { ...input.registry, publish: async () => Promise.reject(new BridgeError('REGISTRY_REVERTED', 'publish: the registry refused with CertificateAlreadyPublished', { kind: 'check' })) }
    await expect(publish({ ...input, registry: failing })).rejects.toMatchObject({ code: 'REGISTRY_REVERTED' })
    expect(store.files.has(certificateUri(input.bytes))).toBe(false)
    expect([...store.files.keys()]).toHaveLength(1) // only certify's trail report
  })

  it('the order is recorded: anchored before stored', async () => {
    const { input } = await setup()
    const steps: string[] = []
    await publish({ ...input, afterStep: (s) => void steps.push(s) })
    expect(steps).toEqual(['started', 'anchored', 'stored', 'verified'])
  })

  it('a crash after the anchor but before the store, retried: one anchor, the document stored', async () => {
    const { input, calls, store, state, certHash } = await setup()
    await expect(publish({ ...input, afterStep: crashAfter('anchored') })).rejects.toThrow(/crash after anchored/)
    expect(calls.publish).toBe(1)
    expect(store.files.has(certificateUri(input.bytes))).toBe(false)
    expect(await state.read(`publish/${certHash}`)).toMatchObject({ step: 'anchored' })
    const r = await publish(input)
    expect(r).toMatchObject({ alreadyAnchored: true, stored: 'written' })
    expect(calls.publish).toBe(1)
    expect(store.files.has(r.uri)).toBe(true)
  })

  it('a crash after the store was recorded never anchors twice', async () => {
    const { input, calls } = await setup()
    await expect(publish({ ...input, afterStep: crashAfter('stored') })).rejects.toThrow(/crash after stored/)
    const r = await publish(input)
    expect(r).toMatchObject({ alreadyAnchored: true, stored: 'present' })
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
          if (step === 'stored') store.files.set(certificateUri(input.bytes), new TextEncoder().encode('{}'))
        },
      }),
    ).rejects.toMatchObject({ code: 'PUBLISH_STORE_MISMATCH' })
  })

  it('refuses when the auditor has not staked and no auditor key is at hand; with --no-fund, an unfunded reserve', async () => {
    const { input, calls } = await setup()
    const error = await publish({ ...input, auditors: [] }).catch((e) => e)
    expect(error).toMatchObject({ code: 'AUDITOR_NOT_STAKED', kind: 'check', path: '$.attestations[0]' })
    expect(calls.publish).toBe(0)
    const unfunded = await (await setup()).input
    await expect(publish({ ...unfunded, fundReserve: false })).rejects.toMatchObject({ code: 'RESERVE_NOT_FUNDED', details: expect.stringContaining('ccp-bridge reserve fund') })
  })

  it('issue 12 defect 1: refuses what `cert validate` rejects (each rule, re-hashed and re-signed correctly), sending nothing', async () => {
    const { input, calls, store } = await setup()
    for (const [code, change] of INVALID_CERTIFICATE_EDITS) {
      const error = await publish({ ...input, bytes: edited(input.bytes, change) }).catch((e) => e)
      expect(error, code).toMatchObject({ code: 'CERTIFICATE_INVALID', kind: 'check' })
      expect(error.details).toContain(code)
    }
    expect(calls).toEqual({ publish: 0, revoke: 0, stake: 0, fund: 0 })
    expect([...store.files.keys()]).toHaveLength(1) // only certify's trail report
    const late = await publish({ ...input, now: new Date('2026-09-01T00:00:00Z') }).catch((e) => e)
    expect(late).toMatchObject({ code: 'CERTIFICATE_NOT_ACTIVE', message: expect.stringContaining('EXPIRED') })
  })

  it('issue 12 defect 1: re-publishing a REVOKED (or EXPIRED) certificate is refused, never "published"', async () => {
    const { input, records, certHash } = await setup()
    await publish(input)
    records.get(certHash)!.status = 'REVOKED'
    await expect(publish(input)).rejects.toMatchObject({ code: 'CERTIFICATE_NOT_ACTIVE', kind: 'check', message: expect.stringContaining('is REVOKED') })
    records.get(certHash)!.status = 'EXPIRED'
    await expect(publish(input)).rejects.toMatchObject({ code: 'CERTIFICATE_NOT_ACTIVE', message: expect.stringContaining('is EXPIRED') })
  })

  it('issue 12 defect 7: renew reports the replaced certificate\'s real status, and refuses itself and a REVOKED one', async () => {
    const { input, records, certHash } = await setup()
    await publish(input)
    await expect(publish({ ...input, renews: certHash })).rejects.toMatchObject({ code: 'RENEW_SELF' })
    const successor = await resigned(input.bytes, (c) => (c.operator_metadata.contact = 'renewed@dragon.example'))
    await expect(publish({ ...input, bytes: successor, renews: certHash.replace(/.$/, (x) => (x === '0' ? '1' : '0')) as `0x${string}` })).rejects.toMatchObject({ code: 'CERTIFICATE_NOT_FOUND' })
    const { certificateHash } = await import('../../../src/certificate/hash.ts')
    const successorHash = certificateHash(JSON.parse(new TextDecoder().decode(successor)))
    await expect(publish({ ...input, bytes: successor, renews: successorHash })).rejects.toMatchObject({ code: 'RENEW_SELF' })
    records.get(certHash)!.status = 'REVOKED'
    await expect(publish({ ...input, bytes: successor, renews: certHash })).rejects.toMatchObject({ code: 'RENEW_NOT_ACTIVE', message: expect.stringContaining('is REVOKED') })
    records.get(certHash)!.status = 'ACTIVE'
    const renewed = await publish({ ...input, bytes: successor, renews: certHash })
    expect(renewed.replaced).toEqual({ certHash, status: 'EXPIRED' })
  })

  it('a stake the registry cannot take (a fraction) is refused before any transaction', async () => {
    const { input, calls } = await setup()
    const error = await publish({ ...input, bytes: edited(input.bytes, (c) => (c.attestations[0].stake_amount = '1500.5')) }).catch((e) => e)
    expect(error).toMatchObject({ code: 'ONCHAIN_AMOUNT_NOT_WHOLE', path: '$.attestations[0].stake_amount' })
    expect(calls).toEqual({ publish: 0, revoke: 0, stake: 0, fund: 0 })
  })

  it('rejects bytes that are not a certificate, naming the JSON path', async () => {
    const { input } = await setup()
    await expect(publish({ ...input, bytes: new TextEncoder().encode('{"version": "0.2.0"}') })).rejects.toMatchObject({ code: 'CERTIFICATE_SCHEMA' })
    await expect(publish({ ...input, bytes: new TextEncoder().encode('not json') })).rejects.toMatchObject({ code: 'CERTIFICATE_NOT_JSON' })
  })

  it('refuses keys that are not the certificate\'s operator or agent', async () => {
    const { input } = await setup()
    await expect(publish({ ...input, operator: agent })).rejects.toMatchObject({ code: 'OPERATOR_MISMATCH', path: '$.identity.operator_id' })
    await expect(publish({ ...input, agent: operator })).rejects.toMatchObject({ code: 'AGENT_MISMATCH' })
  })
})
