import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseEventLogs } from 'viem'
import { revokeCertificate } from '../../../adapters/evm/actions/revoke-certificate.ts'
import { expireCertificate } from '../../../adapters/evm/actions/expire-certificate.ts'
import { challengeCertificate, resolveChallenge } from '../../../adapters/evm/actions/challenge-certificate.ts'
import { getActiveCertificate, getCertificateRecord, isCertificateValid, verifyOnChain } from '../../../adapters/evm/actions/read-registry.ts'
import { getNonce } from '../../../adapters/evm/actions/get-nonce.ts'
import { getRegistryEvents, watchRegistryEvents, type RegistryEvent } from '../../../adapters/evm/actions/watch-registry-events.ts'
import { registryAbi } from '../../../adapters/evm/registry-abi.ts'
import { startDevnet, type Devnet } from '../../support/anvil.ts'
import { expectRevert } from './expect-revert.ts'
import { DAY, fixedAccount, paramsFor, signAndPublish } from './registry-fixtures.ts'

const CHALLENGER = 0
const OPERATOR = 1
const OTHER_OPERATOR = 5
const STRANGER = 7

describe('CCPRegistry state machine on anvil', () => {
  let devnet: Devnet
  const watched: RegistryEvent[] = []
  let unwatch: () => void = () => {}
  beforeAll(async () => {
    devnet = await startDevnet()
    unwatch = watchRegistryEvents(devnet.connection.publicClient, devnet.contracts.registry, { fromBlock: devnet.contracts.deployBlock, onEvent: (e) => watched.push(e), pollingIntervalMs: 50 })
  })
  afterAll(async () => {
    unwatch()
    await devnet?.stop()
  })
  const registry = () => devnet.contracts.registry
  const client = () => devnet.connection.publicClient
  const publishC1 = async (label: string, agentLabel: string, operator = OPERATOR, days = 30) => {
    const agent = fixedAccount(agentLabel)
    const params = await paramsFor(devnet, { label, agent, certificateClass: 1, days })
    const { receipt } = await signAndPublish(devnet, { operator, agent, params })
    return { agent, params, receipt }
  }

  it('ACTIVE → REVOKED by the operator only; revoked stays revoked', async () => {
    const { agent, params } = await publishC1('revoke', 'revoke-agent')
    await expectRevert(revokeCertificate(devnet.wallet(STRANGER), client(), registry(), params.certHash), 'NotOperator')
    const receipt = await revokeCertificate(devnet.wallet(OPERATOR), client(), registry(), params.certHash)
    const [revoked] = parseEventLogs({ abi: registryAbi, logs: receipt.logs, eventName: 'CertificateRevoked' })
    expect(revoked?.args).toEqual({ certHash: params.certHash, agent: agent.address })
    expect(revoked?.topics).toHaveLength(3) // both parameters indexed
    expect((await getCertificateRecord(client(), registry(), params.certHash))?.status).toBe('REVOKED')
    expect(await isCertificateValid(client(), registry(), params.certHash)).toBe(false)
    expect(await getActiveCertificate(client(), registry(), agent.address)).toBeNull()
    expect(await verifyOnChain(client(), registry(), { agent: agent.address, minClass: 'C1', maxAcceptableLoss: 10n ** 30n })).toEqual({ acceptable: false, certHash: null })
    // never ACTIVE again: not by revoke, expire, challenge, resolve, or publishing the same hash
    await expectRevert(revokeCertificate(devnet.wallet(OPERATOR), client(), registry(), params.certHash), 'CertificateNotActive')
    await expectRevert(expireCertificate(devnet.wallet(STRANGER), client(), registry(), params.certHash), 'CertificateNotActive')
    await expectRevert(challengeCertificate(devnet.wallet(CHALLENGER), client(), registry(), params.certHash), 'CertificateNotActive')
    await expectRevert(resolveChallenge(devnet.wallet(CHALLENGER), client(), registry(), params.certHash, false), 'CertificateNotChallenged')
    await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params }), 'CertificateAlreadyPublished')
    expect((await getCertificateRecord(client(), registry(), params.certHash))?.status).toBe('REVOKED')
  })

  it('renewal by the same operator marks the old certificate EXPIRED; another operator cannot displace it', async () => {
    const { agent, params: old } = await publishC1('renew-old', 'renew-agent')
    const intruder = await paramsFor(devnet, { label: 'renew-intruder', agent, certificateClass: 1, days: 30 })
    const refused = await expectRevert(signAndPublish(devnet, { operator: OTHER_OPERATOR, agent, params: intruder }), 'ActiveCertificateOfAnotherOperator')
    expect(refused.revertArgs).toEqual([old.certHash, devnet.account(OPERATOR).address])

    const next = await paramsFor(devnet, { label: 'renew-new', agent, certificateClass: 1, days: 60 })
    const { receipt } = await signAndPublish(devnet, { operator: OPERATOR, agent, params: next })
    const names = parseEventLogs({ abi: registryAbi, logs: receipt.logs }).map((l) => l.eventName)
    expect(names).toEqual(['CertificateExpired', 'CertificatePublished', 'CertificateRenewed'])
    const [renewed] = parseEventLogs({ abi: registryAbi, logs: receipt.logs, eventName: 'CertificateRenewed' })
    expect(renewed?.args).toEqual({ oldCertHash: old.certHash, newCertHash: next.certHash, agent: agent.address })
    expect((await getCertificateRecord(client(), registry(), old.certHash))?.status).toBe('EXPIRED')
    expect(await isCertificateValid(client(), registry(), old.certHash)).toBe(false)
    expect(await getActiveCertificate(client(), registry(), agent.address)).toBe(next.certHash)
    // the renewed-away certificate never comes back
    await expectRevert(revokeCertificate(devnet.wallet(OPERATOR), client(), registry(), old.certHash), 'CertificateNotActive')
    await expectRevert(expireCertificate(devnet.wallet(STRANGER), client(), registry(), old.certHash), 'CertificateNotActive')
  })

  it('an agent that is its own operator signs once and consumes one nonce', async () => {
    const self = devnet.account(6)
    const params = await paramsFor(devnet, { label: 'self-operated', agent: self, certificateClass: 1, days: 5 })
    await signAndPublish(devnet, { operator: 6, agent: self, params })
    expect(await getNonce(client(), registry(), self.address)).toBe(1n)
    expect(await getActiveCertificate(client(), registry(), self.address)).toBe(params.certHash)
  })

  it('ACTIVE → CHALLENGED → ACTIVE (dismissed) → CHALLENGED → REVOKED (upheld), challenger only', async () => {
    const { agent, params } = await publishC1('challenge', 'challenge-agent')
    await expectRevert(challengeCertificate(devnet.wallet(STRANGER), client(), registry(), params.certHash), 'NotChallenger')
    const receipt = await challengeCertificate(devnet.wallet(CHALLENGER), client(), registry(), params.certHash)
    expect(parseEventLogs({ abi: registryAbi, logs: receipt.logs, eventName: 'CertificateChallenged' })[0]?.args).toEqual({ certHash: params.certHash, agent: agent.address })
    expect((await getCertificateRecord(client(), registry(), params.certHash))?.status).toBe('CHALLENGED')
    expect(await isCertificateValid(client(), registry(), params.certHash)).toBe(false)
    expect(await getActiveCertificate(client(), registry(), agent.address)).toBeNull()
    // a challenged certificate cannot be displaced by a renewal
    const renewal = await paramsFor(devnet, { label: 'challenge-renewal', agent, certificateClass: 1, days: 30 })
    await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params: renewal }), 'CertificateUnderChallenge')
    await expectRevert(resolveChallenge(devnet.wallet(STRANGER), client(), registry(), params.certHash, true), 'NotChallenger')

    await resolveChallenge(devnet.wallet(CHALLENGER), client(), registry(), params.certHash, false)
    expect((await getCertificateRecord(client(), registry(), params.certHash))?.status).toBe('ACTIVE')
    expect(await getActiveCertificate(client(), registry(), agent.address)).toBe(params.certHash)

    await challengeCertificate(devnet.wallet(CHALLENGER), client(), registry(), params.certHash)
    const upheld = await resolveChallenge(devnet.wallet(CHALLENGER), client(), registry(), params.certHash, true)
    expect(parseEventLogs({ abi: registryAbi, logs: upheld.logs }).map((l) => l.eventName)).toEqual(['ChallengeResolved', 'CertificateRevoked'])
    expect((await getCertificateRecord(client(), registry(), params.certHash))?.status).toBe('REVOKED')
  })

  it('expiry with evm_increaseTime: invisible to isValid/verify/getActiveCertificate, recorded by anyone via expire, final', async () => {
    const { agent, params } = await publishC1('expiry', 'expiry-agent', OPERATOR, 2)
    const pending = await paramsFor(devnet, { label: 'expiry-late', agent: fixedAccount('late-agent'), certificateClass: 1, days: 2 })
    await expectRevert(expireCertificate(devnet.wallet(STRANGER), client(), registry(), params.certHash), 'NotYetExpired')
    expect(await isCertificateValid(client(), registry(), params.certHash)).toBe(true)

    await devnet.increaseTime(2 * DAY)
    expect(await isCertificateValid(client(), registry(), params.certHash)).toBe(false)
    expect(await getActiveCertificate(client(), registry(), agent.address)).toBeNull()
    expect(await verifyOnChain(client(), registry(), { agent: agent.address, minClass: 'C1', maxAcceptableLoss: 10n ** 30n })).toEqual({ acceptable: false, certHash: null })
    const before = await getCertificateRecord(client(), registry(), params.certHash)
    expect(before).toMatchObject({ storedStatus: 'ACTIVE', status: 'EXPIRED' })
    // the operator cannot revoke (or otherwise touch) what has expired
    await expectRevert(revokeCertificate(devnet.wallet(OPERATOR), client(), registry(), params.certHash), 'CertificateNotActive')
    await expectRevert(challengeCertificate(devnet.wallet(CHALLENGER), client(), registry(), params.certHash), 'CertificateNotActive')
    // a certificate signed before the clock moved can no longer be published
    await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent: fixedAccount('late-agent'), params: pending }), 'AlreadyExpired')

    const receipt = await expireCertificate(devnet.wallet(STRANGER), client(), registry(), params.certHash)
    expect(parseEventLogs({ abi: registryAbi, logs: receipt.logs, eventName: 'CertificateExpired' })[0]?.args).toEqual({ certHash: params.certHash, agent: agent.address })
    expect(await getCertificateRecord(client(), registry(), params.certHash)).toMatchObject({ storedStatus: 'EXPIRED', status: 'EXPIRED' })
    await expectRevert(expireCertificate(devnet.wallet(STRANGER), client(), registry(), params.certHash), 'CertificateNotActive')
    await expectRevert(resolveChallenge(devnet.wallet(CHALLENGER), client(), registry(), params.certHash, false), 'CertificateNotChallenged')

    // after expiry, a new operator may certify the agent (the agent co-signs); the old one stays EXPIRED
    const fresh = await paramsFor(devnet, { label: 'expiry-fresh', agent, certificateClass: 1, days: 30 })
    await signAndPublish(devnet, { operator: OTHER_OPERATOR, agent, params: fresh })
    expect(await getActiveCertificate(client(), registry(), agent.address)).toBe(fresh.certHash)
    expect((await getCertificateRecord(client(), registry(), params.certHash))?.status).toBe('EXPIRED')
  })

  it('a time-expired certificate that nobody expired is marked EXPIRED by the next publish for its agent', async () => {
    const { agent, params } = await publishC1('lazy-expiry', 'lazy-agent', OPERATOR, 1)
    await devnet.increaseTime(DAY + 1)
    const next = await paramsFor(devnet, { label: 'lazy-next', agent, certificateClass: 1, days: 10 })
    const { receipt } = await signAndPublish(devnet, { operator: OTHER_OPERATOR, agent, params: next })
    expect(parseEventLogs({ abi: registryAbi, logs: receipt.logs }).map((l) => l.eventName)).toEqual(['CertificateExpired', 'CertificatePublished', 'CertificateRenewed'])
    expect((await getCertificateRecord(client(), registry(), params.certHash))?.storedStatus).toBe('EXPIRED')
  })

  it('getRegistryEvents replays every event from the deployment block, and the subscription saw the same', async () => {
    const events = await getRegistryEvents(client(), registry(), { fromBlock: devnet.contracts.deployBlock })
    const types = new Set(events.map((e) => e.type))
    for (const type of ['CertificatePublished', 'CertificateRevoked', 'CertificateExpired', 'CertificateRenewed', 'CertificateChallenged', 'ChallengeResolved']) expect(types.has(type as RegistryEvent['type'])).toBe(true)
    const published = events.find((e) => e.type === 'CertificatePublished')
    expect(published).toMatchObject({ type: 'CertificatePublished', certificateClass: 'C1', containmentBound: 50_000n, operator: devnet.account(OPERATOR).address })
    // chain order
    const order = events.map((e) => e.blockNumber * 1000n + BigInt(e.logIndex))
    expect([...order].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(order)
    // resume from a later block returns a strict suffix
    const later = events[Math.floor(events.length / 2)]!
    const resumed = await getRegistryEvents(client(), registry(), { fromBlock: later.blockNumber })
    expect(resumed).toEqual(events.filter((e) => e.blockNumber >= later.blockNumber))
    await expect.poll(() => watched.length, { timeout: 10_000 }).toBe(events.length)
    expect(watched.map((e) => `${e.type}:${e.transactionHash}:${e.logIndex}`)).toEqual(events.map((e) => `${e.type}:${e.transactionHash}:${e.logIndex}`))
  })
})
