import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseEventLogs, type Address } from 'viem'
import { buildScenario, SCENARIO, SCENARIO_CONTRACTS } from '../../../fixtures/scripts/scenario.ts'
import { attest as attestUseCase } from '../../../src/bridge/attest.ts'
import { requestAudit } from '../../../src/bridge/audit-request.ts'
import { certify } from '../../../src/bridge/certify.ts'
import { certificateLifecycle } from '../../../src/bridge/lifecycle.ts'
import { publish } from '../../../src/bridge/publish.ts'
import { fundReserve } from '../../../src/bridge/reserve.ts'
import { settle } from '../../../src/bridge/settle.ts'
import { verifyAgent } from '../../../src/verify/verify-agent.ts'
import { revokeCertificate } from '../../../adapters/evm/actions/revoke-certificate.ts'
import { expireCertificate } from '../../../adapters/evm/actions/expire-certificate.ts'
import { getActiveCertificate, getCertificateRecord, isCertificateValid } from '../../../adapters/evm/actions/read-registry.ts'
import { getRegistryEvents, watchRegistryEvents, type RegistryEvent } from '../../../adapters/evm/actions/watch-registry-events.ts'
import { registryAbi } from '../../../adapters/evm/registry-abi.ts'
import { evmRegistry, keySigner, type EvmRegistry } from '../../../adapters/evm/registry-port.ts'
import { startDevnet, type Devnet } from '../../support/anvil.ts'
import { memoryState, memoryStore, scenarioEvidence } from '../../unit/bridge/memory-ports.ts'
import { expectRevert } from './expect-revert.ts'
import { anchor, DAY, fixedAccount, USDC } from './registry-fixtures.ts'

const OPERATOR = 1
const OTHER_OPERATOR = 5
const STRANGER = 7
/** Seed 004's day 22 is the scenario's "now": day 0 is 22 days before it. */
const DAY0 = Date.parse(SCENARIO.now) / 1000 - 22 * DAY

describe('seed 004 on anvil: the C2 timeline, day 0 to day 96, and the state machine', () => {
  let devnet: Devnet
  let registry: EvmRegistry
  const watched: RegistryEvent[] = []
  let unwatch: () => void = () => {}
  beforeAll(async () => {
    devnet = await startDevnet({ timestamp: DAY0 })
    registry = await evmRegistry(devnet.anvil.rpcUrl, devnet.contracts.registry)
    unwatch = watchRegistryEvents(devnet.connection.publicClient, devnet.contracts.registry, { fromBlock: devnet.contracts.deployBlock, onEvent: (e) => watched.push(e), pollingIntervalMs: 50 })
  })
  afterAll(async () => {
    unwatch()
    await devnet?.stop()
  })
  const client = () => devnet.connection.publicClient
  const goTo = async (day: number) => {
    await devnet.testClient.setNextBlockTimestamp({ timestamp: BigInt(DAY0 + day * DAY) })
    await devnet.testClient.mine({ blocks: 1 })
  }

  it('replays the typical C2 timeline with time travel, asserting every state and balance', async () => {
    expect(devnet.contracts.vault).toBe(SCENARIO_CONTRACTS.vault)
    const scenario = buildScenario()
    const operator = keySigner(scenario.evm.operator.devPrivateKey)
    const agent = keySigner(scenario.evm.agent.devPrivateKey)
    const auditor = keySigner(scenario.evm.auditor.devPrivateKey)
    const usdc = devnet.contracts.stakeToken
    const balance = (who: Address) => registry.tokenBalance(usdc, who)
    const balances = async () => ({
      operator: await balance(operator.address),
      auditor: await balance(auditor.address),
      vault: await balance(devnet.contracts.vault),
      escrow: await balance(devnet.contracts.escrow),
      staking: await balance(devnet.contracts.staking),
    })
    const MINTED = 1_000_000n * USDC
    expect(await balances()).toEqual({ operator: MINTED, auditor: MINTED, vault: 0n, escrow: 0n, staking: 0n })

    // day 0-7: containment built; the certificate is composed to be issued on day 22 (its certHash keys the deposits)
    const store = memoryStore()
    const result = await certify({ ...scenarioEvidence(scenario), now: new Date(SCENARIO.now), registry, stakeContract: devnet.contracts.staking, auditor, store })
    if (!result.certified) throw new Error(JSON.stringify(result.refusals))
    const certHash = result.certHash
    await goTo(7)
    const funded = await fundReserve({ certificate: result.certificate, registry, operator })
    expect(funded).toMatchObject({ fundedNow: 15_000n * USDC, deposited: 15_000n * USDC, backing: 15_000n * USDC, required: 15_000n * USDC, anchored: false })
    const { request } = await requestAudit({ lifecycle: registry, operator, auditor: auditor.address, fee: '500' })
    expect(request).toMatchObject({ state: 'OPEN', amount: 500n * USDC })
    expect(await balances()).toEqual({ operator: MINTED - 15_500n * USDC, auditor: MINTED, vault: 15_000n * USDC, escrow: 500n * USDC, staking: 0n })

    // day 14-21: audit completed, attestation signed, stake locked, fee request accepted
    await goTo(21)
    const attested = await attestUseCase({ certificate: result.certificate, registry, auditor, requestId: request.requestId })
    expect(attested.signed).toBe(false) // certify already signed it as this auditor
    expect(attested.stake).toEqual({ claimed: 1_500n * USDC, staked: 1_500n * USDC, stakedNow: 1_500n * USDC })
    expect(attested.bond).toEqual({ free: 0n, locked: 1_500n * USDC, registered: true })
    expect((await registry.feeRequest(request.requestId))?.state).toBe('ACCEPTED')
    expect(await balances()).toEqual({ operator: MINTED - 15_500n * USDC, auditor: MINTED - 1_500n * USDC, vault: 15_000n * USDC, escrow: 500n * USDC, staking: 1_500n * USDC })

    // day 22: published (anchor, then store)
    await goTo(22)
    const bytes = new TextEncoder().encode(JSON.stringify(attested.certificate, null, 2))
    const published = await publish({ bytes, store, registry, state: memoryState(), operator, agent, now: new Date(SCENARIO.now) })
    expect(published).toMatchObject({ certHash, alreadyAnchored: false, stored: 'written' })
    expect(published.reserve).toMatchObject({ amount: 15_000n * USDC, fundedNow: 0n })
    expect(published.stakes).toEqual([{ auditor: auditor.address, staked: 1_500n * USDC, stakedNow: 0n }])
    let view = await certificateLifecycle({ registry, certHash })
    expect(view.lifecycle).toEqual({ status: 'ACTIVE', terminatedAt: null, graceEndsAt: null, settled: false, challengeOpen: false, challengeUpheld: false })
    expect(view.record).toMatchObject({ issuedAt: DAY0 + 22 * DAY, expiresAt: DAY0 + 82 * DAY, certificateClass: 'C2' })

    // day 50: active, and a counterparty accepts it
    await goTo(50)
    const policy = JSON.parse(scenario.files['policy.json']!)
    const accept = await verifyAgent({ agent: agent.address, registry, store, policy: { ...policy, max_age_days: 60 }, now: new Date((DAY0 + 50 * DAY) * 1000) })
    expect(accept.reasons).toEqual([])
    expect(accept.decision).toBe('accept')
    expect(accept.reserve).toMatchObject({ backing: 15_000n * USDC, required: 15_000n * USDC, exogenous: true, symbol: 'USDC' })
    expect(accept.stakes).toEqual([{ auditor: auditor.address, bonded: true, staked: 1_500n * USDC, claimed: 1_500n * USDC }])

    // day 75: the renewal audit would begin (the operator does not continue); still active
    await goTo(75)
    expect(await isCertificateValid(client(), devnet.contracts.registry, certHash)).toBe(true)

    // day 82: expired (the clock alone ends it; anyone records it); its grace runs to day 96
    await goTo(82)
    expect(await isCertificateValid(client(), devnet.contracts.registry, certHash)).toBe(false)
    expect(await getActiveCertificate(client(), devnet.contracts.registry, agent.address)).toBeNull()
    const expired = await verifyAgent({ agent: agent.address, registry, store, policy: {}, now: new Date((DAY0 + 82 * DAY) * 1000) })
    expect(expired.decision).toBe('reject')
    expect(expired.reasons.map((r) => r.code)).toContain('CERTIFICATE_EXPIRED')
    await expireCertificate(devnet.wallet(STRANGER), client(), devnet.contracts.registry, certHash)
    view = await certificateLifecycle({ registry, certHash })
    expect(view.lifecycle).toEqual({ status: 'EXPIRED', terminatedAt: DAY0 + 82 * DAY, graceEndsAt: DAY0 + 96 * DAY, settled: false, challengeOpen: false, challengeUpheld: false })
    expect(view.grace).toBe(14 * DAY)

    // day 89: grace period: money still locked, settlement refused
    await goTo(89)
    await expect(settle({ registry, keeper: keySigner(devnet.anvil.accounts[9]!.devPrivateKey), certHash })).rejects.toMatchObject({ code: 'GRACE_NOT_OVER', kind: 'check' })
    await expectRevert(registry.withdrawReserve(operator, certHash), 'ReserveLocked')
    await expectRevert(registry.unstake(auditor, certHash), 'StakeLocked')
    expect(await balances()).toEqual({ operator: MINTED - 15_500n * USDC, auditor: MINTED - 1_500n * USDC, vault: 15_000n * USDC, escrow: 500n * USDC, staking: 1_500n * USDC })

    // day 96: settlement — all funds released (no challenge): a keeper sends it
    await goTo(96)
    const settled = await settle({ registry, keeper: keySigner(devnet.anvil.accounts[9]!.devPrivateKey), certHash })
    expect(settled.lifecycle).toEqual({ status: 'EXPIRED', terminatedAt: DAY0 + 82 * DAY, graceEndsAt: DAY0 + 96 * DAY, settled: true, challengeOpen: false, challengeUpheld: false })
    expect(await balances()).toEqual({ operator: MINTED - 500n * USDC, auditor: MINTED - 1_500n * USDC + 500n * USDC, vault: 0n, escrow: 0n, staking: 1_500n * USDC })
    expect(await registry.bondOf(auditor.address)).toEqual({ free: 1_500n * USDC, locked: 0n, registered: true })
    expect((await registry.feeRequest(request.requestId))?.state).toBe('PAID')
    await expect(settle({ registry, keeper: operator, certHash })).rejects.toMatchObject({ code: 'ALREADY_SETTLED' })
    await expectRevert(registry.settle(operator, certHash), 'AlreadySettled')
    // the auditor takes its bond out: every token is back where it started, less the fee it earned
    await registry.connection.publicClient.waitForTransactionReceipt({ hash: await walletUnbond(devnet, 3, 1_500n * USDC) })
    expect(await balances()).toEqual({ operator: MINTED - 500n * USDC, auditor: MINTED + 500n * USDC, vault: 0n, escrow: 0n, staking: 0n })

    const names = (await getRegistryEvents(client(), devnet.contracts.registry, { fromBlock: 0n })).filter((e) => 'certHash' in e && e.certHash === certHash).map((e) => e.type)
    expect(names).toEqual(['AttestationRecorded', 'CertificatePublished', 'CertificateExpired', 'CertificateSettled'])
  })

  it('renewal by the same operator marks the old one EXPIRED now (its own grace then); another operator cannot displace it', async () => {
    const agent = fixedAccount('renewal-agent')
    const first = await anchor(devnet, { label: 'first', agent, certificateClass: 1, days: 30 })
    await expectRevert(anchor(devnet, { label: 'displace', agent, certificateClass: 1, days: 30, operator: OTHER_OPERATOR }), 'ActiveCertificateOfAnotherOperator')
    const second = await anchor(devnet, { label: 'second', agent, certificateClass: 1, days: 30 })
    const now = (await client().getBlock()).timestamp
    const old = await registry.lifecycle(first.certHash)
    expect(old).toMatchObject({ status: 'EXPIRED', terminatedAt: Number(now), graceEndsAt: Number(now) + 7 * DAY })
    expect(await getActiveCertificate(client(), devnet.contracts.registry, agent.address)).toBe(second.certHash)
    const renewed = () => watched.some((e) => e.type === 'CertificateRenewed' && e.oldCertHash === first.certHash && e.newCertHash === second.certHash)
    for (let i = 0; i < 60 && !renewed(); i++) await new Promise((r) => setTimeout(r, 50))
    expect(renewed()).toBe(true)
  })

  it('ACTIVE → REVOKED by the operator only, for good; the grace period starts at the revocation', async () => {
    const agent = fixedAccount('revoke-agent')
    const params = await anchor(devnet, { label: 'revoke', agent, certificateClass: 1, days: 30 })
    await expectRevert(revokeCertificate(devnet.wallet(STRANGER), client(), devnet.contracts.registry, params.certHash), 'NotOperator')
    const receipt = await revokeCertificate(devnet.wallet(OPERATOR), client(), devnet.contracts.registry, params.certHash)
    const [revoked] = parseEventLogs({ abi: registryAbi, logs: receipt.logs, eventName: 'CertificateRevoked' })
    expect(revoked?.args).toEqual({ certHash: params.certHash, agent: agent.address })
    const block = await client().getBlock({ blockNumber: receipt.blockNumber })
    expect(await registry.lifecycle(params.certHash)).toMatchObject({ status: 'REVOKED', terminatedAt: Number(block.timestamp), graceEndsAt: Number(block.timestamp) + 7 * DAY })
    await expectRevert(revokeCertificate(devnet.wallet(OPERATOR), client(), devnet.contracts.registry, params.certHash), 'CertificateNotActive')
    await expectRevert(expireCertificate(devnet.wallet(STRANGER), client(), devnet.contracts.registry, params.certHash), 'CertificateNotActive')
    expect((await getCertificateRecord(client(), devnet.contracts.registry, params.certHash))?.status).toBe('REVOKED')
  })
})

async function walletUnbond(devnet: Devnet, auditor: number, amount: bigint) {
  const { stakingAbi } = await import('../../../adapters/evm/registry-abi.ts')
  return devnet.wallet(auditor).writeContract({ address: devnet.contracts.staking, abi: stakingAbi, functionName: 'unbond', args: [amount] })
}
