import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Address } from 'viem'
import { openChallenge, resolveChallenge, submitVerdict } from '../../../src/bridge/challenge.ts'
import { settle } from '../../../src/bridge/settle.ts'
import type { ChallengeKind } from '../../../src/ports.ts'
import { sendContractTransaction } from '../../../adapters/evm/actions/send-contract-transaction.ts'
import { challengesAbi, tokenAbi } from '../../../adapters/evm/registry-abi.ts'
import { evmRegistry, keySigner, type EvmRegistry, type KeySigner } from '../../../adapters/evm/registry-port.ts'
import { startDevnet, VERIFIERS, type Devnet } from '../../support/anvil.ts'
import { expectRevert } from './expect-revert.ts'
import { anchor, DAY, fixedAccount, USDC } from './registry-fixtures.ts'

const AUDITOR = 3
const CHALLENGER = 9
const BURN: Address = '0x000000000000000000000000000000000000dEaD'
const BOND = 100n * USDC
const PANEL_TYPES: ChallengeKind[] = ['CONSTRAINT_BYPASS', 'FALSE_INDEPENDENCE', 'INVALID_VERIFICATION', 'SCOPE_NOT_PERFORMED']

describe('challenges on anvil, through the bridge use cases', () => {
  let devnet: Devnet
  let registry: EvmRegistry
  let challenger: KeySigner
  let verifiers: KeySigner[]
  let counter = 0
  beforeAll(async () => {
    devnet = await startDevnet()
    registry = await evmRegistry(devnet.anvil.rpcUrl, devnet.contracts.registry)
    challenger = keySigner(devnet.anvil.accounts[CHALLENGER]!.devPrivateKey)
    verifiers = VERIFIERS.map((i) => keySigner(devnet.anvil.accounts[i]!.devPrivateKey))
  })
  afterAll(async () => {
    await devnet?.stop()
  })
  const usdc = (who: Address) => registry.tokenBalance(devnet.contracts.stakeToken, who)
  /** a fresh C2 (one auditor, stake `stake`) for a fresh agent */
  const c2 = (stake = 1_500n * USDC, days = 60) => {
    counter++
    return anchor(devnet, { label: `challenged-${counter}`, agent: fixedAccount(`challenged-agent-${counter}`), certificateClass: 2, days, attestations: [{ auditor: AUDITOR, scope: 'ACTIVITY_TRAIL_VERIFICATION', stake }] })
  }
  const balancesOf = async (who: Address[]) => Promise.all(who.map(usdc))

  it('RESERVE_SHORTFALL is refused when the vault backs the reserve, and upheld on chain when it does not', async () => {
    const params = await c2()
    await expect(openChallenge({ registry, challenger, certHash: params.certHash, kind: 'RESERVE_SHORTFALL' })).rejects.toMatchObject({ code: 'RESERVE_NOT_SHORT', kind: 'check' })
    // the contract refuses too, from its own reading of the vault (never a number the challenger supplies)
    await expectRevert(registry.openChallenge(challenger, params.certHash, 'RESERVE_SHORTFALL'), 'ReserveNotShort')
    const before = await balancesOf([challenger.address, BURN, devnet.account(1).address])
    // the issuer seizes 1 USDC of the pooled vault balance: every reserve in it is now short (pro rata)
    await sendContractTransaction(devnet.wallet(0), devnet.connection.publicClient, { address: devnet.contracts.stakeToken, abi: tokenAbi, functionName: 'seize', args: [devnet.contracts.vault, USDC] }, 'seize')
    const { challenge, record } = await openChallenge({ registry, challenger, certHash: params.certHash, kind: 'RESERVE_SHORTFALL' })
    expect(challenge).toMatchObject({ kind: 'RESERVE_SHORTFALL', state: 'UPHELD', upholders: [], rejecters: [] })
    expect(record.status).toBe('REVOKED')
    const after = await balancesOf([challenger.address, BURN, devnet.account(1).address])
    expect(after[0]! - before[0]!).toBe(450n * USDC) // 30% of 1500; the bond came back
    expect(after[1]! - before[1]!).toBe(1_050n * USDC) // 50% (no verifier judged it) + 20% burned
    expect(await registry.stakeOf(devnet.account(AUDITOR).address, params.certHash)).toBe(0n)
    expect(await registry.lifecycle(params.certHash)).toMatchObject({ status: 'REVOKED', challengeUpheld: true, challengeOpen: false })
    // a slashed certificate is not challenged again; after grace it settles: the reserve back pro rata
    await expect(openChallenge({ registry, challenger, certHash: params.certHash, kind: 'CONSTRAINT_BYPASS' })).rejects.toMatchObject({ code: 'CHALLENGE_ALREADY_UPHELD' })
    await devnet.increaseTime(14 * DAY)
    await settle({ registry, keeper: challenger, certHash: params.certHash })
    await expect(settle({ registry, keeper: challenger, certHash: params.certHash })).rejects.toMatchObject({ code: 'ALREADY_SETTLED' })
    // give the vault its unit back so the next tests start whole
    await sendContractTransaction(devnet.wallet(0), devnet.connection.publicClient, { address: devnet.contracts.stakeToken, abi: tokenAbi, functionName: 'mint', args: [devnet.contracts.vault, USDC] }, 'mint')
  })

  it('every panel type upheld: revoked, 30% to the challenger, 50% to the upholding verifiers, 20% burned, bond back', async () => {
    for (const kind of PANEL_TYPES) {
      const params = await c2()
      const watched = [challenger.address, verifiers[0]!.address, verifiers[1]!.address, verifiers[2]!.address, BURN]
      const before = await balancesOf(watched)
      const { challenge } = await openChallenge({ registry, challenger, certHash: params.certHash, kind })
      expect(challenge.state).toBe('OPEN')
      expect((await registry.getCertificate(params.certHash))?.status).toBe('CHALLENGED')
      await submitVerdict({ registry, verifier: verifiers[0]!, challengeId: challenge.challengeId, upheld: true })
      const decided = await submitVerdict({ registry, verifier: verifiers[1]!, sender: challenger, challengeId: challenge.challengeId, upheld: true })
      expect(decided.challenge).toMatchObject({ state: 'UPHELD', upholders: [verifiers[0]!.address, verifiers[1]!.address] })
      expect((await registry.getCertificate(params.certHash))?.status).toBe('REVOKED')
      const after = await balancesOf(watched)
      expect(after.map((b, i) => b - before[i]!)).toEqual([450n * USDC, 375n * USDC, 375n * USDC, 0n, 300n * USDC])
    }
  })

  it('every panel type rejected: ACTIVE again, the bond forfeited to the rejecting verifiers, the stake untouched', async () => {
    for (const kind of PANEL_TYPES) {
      const params = await c2()
      const watched = [challenger.address, verifiers[0]!.address, verifiers[1]!.address, verifiers[2]!.address]
      const before = await balancesOf(watched)
      const { challenge } = await openChallenge({ registry, challenger, certHash: params.certHash, kind })
      await submitVerdict({ registry, verifier: verifiers[2]!, challengeId: challenge.challengeId, upheld: true })
      await submitVerdict({ registry, verifier: verifiers[0]!, challengeId: challenge.challengeId, upheld: false })
      const decided = await submitVerdict({ registry, verifier: verifiers[1]!, challengeId: challenge.challengeId, upheld: false })
      expect(decided.challenge).toMatchObject({ state: 'REJECTED', rejecters: [verifiers[0]!.address, verifiers[1]!.address], upholders: [verifiers[2]!.address] })
      expect((await registry.getCertificate(params.certHash))?.status).toBe('ACTIVE')
      expect(await registry.stakeOf(devnet.account(AUDITOR).address, params.certHash)).toBe(1_500n * USDC)
      const after = await balancesOf(watched)
      expect(after.map((b, i) => b - before[i]!)).toEqual([-BOND, BOND / 2n, BOND / 2n, 0n])
    }
  })

  it('splits 30/50/20 to the wei: 30% and 50% rounded down, the odd unit to the first upholder, the burn takes the rest', async () => {
    const stake = 1_000n * USDC + 7n
    const params = await c2(stake)
    const watched = [challenger.address, verifiers[1]!.address, verifiers[0]!.address, BURN]
    const before = await balancesOf(watched)
    const { challenge } = await openChallenge({ registry, challenger, certHash: params.certHash, kind: 'SCOPE_NOT_PERFORMED' })
    await submitVerdict({ registry, verifier: verifiers[1]!, challengeId: challenge.challengeId, upheld: true })
    await submitVerdict({ registry, verifier: verifiers[0]!, challengeId: challenge.challengeId, upheld: true })
    const deltas = (await balancesOf(watched)).map((b, i) => b - before[i]!)
    expect(deltas).toEqual([300_000_002n, 250_000_002n, 250_000_001n, 200_000_002n])
    expect(deltas.reduce((a, b) => a + b)).toBe(stake)
  })

  it('a second challenge on a challenged certificate is refused', async () => {
    const params = await c2()
    const { challenge } = await openChallenge({ registry, challenger, certHash: params.certHash, kind: 'CONSTRAINT_BYPASS' })
    await expect(openChallenge({ registry, challenger: verifiers[2]!, certHash: params.certHash, kind: 'FALSE_INDEPENDENCE' })).rejects.toMatchObject({
      code: 'CHALLENGE_ALREADY_OPEN',
      message: expect.stringContaining(`challenge ${challenge.challengeId} (CONSTRAINT_BYPASS`),
    })
    await expectRevert(registry.openChallenge(verifiers[2]!, params.certHash, 'FALSE_INDEPENDENCE'), 'ChallengeAlreadyOpen')
  })

  it('a challenge during grace: the EXPIRED certificate stays EXPIRED, its auditor is slashed, settlement waits for the decision', async () => {
    const params = await c2(1_500n * USDC, 2)
    await devnet.increaseTime(2 * DAY + 13 * DAY) // expired, 13 of its 14 grace days gone
    const { challenge } = await openChallenge({ registry, challenger, certHash: params.certHash, kind: 'INVALID_VERIFICATION' })
    expect(await registry.lifecycle(params.certHash)).toMatchObject({ status: 'EXPIRED', challengeOpen: true })
    await devnet.increaseTime(2 * DAY) // grace over, but a challenge is open
    await expect(settle({ registry, keeper: challenger, certHash: params.certHash })).rejects.toMatchObject({ code: 'CHALLENGE_OPEN' })
    await submitVerdict({ registry, verifier: verifiers[0]!, challengeId: challenge.challengeId, upheld: true })
    await submitVerdict({ registry, verifier: verifiers[1]!, challengeId: challenge.challengeId, upheld: true })
    expect(await registry.lifecycle(params.certHash)).toMatchObject({ status: 'EXPIRED', challengeOpen: false, challengeUpheld: true })
    expect(await registry.stakeOf(devnet.account(AUDITOR).address, params.certHash)).toBe(0n)
    await settle({ registry, keeper: challenger, certHash: params.certHash })
    // after the grace period nobody can challenge any more
    const late = await c2(1_500n * USDC, 1)
    await devnet.increaseTime(DAY + 14 * DAY)
    await expect(openChallenge({ registry, challenger, certHash: late.certHash, kind: 'CONSTRAINT_BYPASS' })).rejects.toMatchObject({ code: 'CHALLENGE_WINDOW_CLOSED' })
  })

  it('a challenge past its deadline: verdicts refused, resolved by anyone as rejected by default, the agent not locked out', async () => {
    const params = await c2()
    const { challenge } = await openChallenge({ registry, challenger, certHash: params.certHash, kind: 'CONSTRAINT_BYPASS' })
    await submitVerdict({ registry, verifier: verifiers[2]!, challengeId: challenge.challengeId, upheld: false })
    await expect(resolveChallenge({ registry, sender: challenger, challengeId: challenge.challengeId })).rejects.toMatchObject({ code: 'CHALLENGE_UNDECIDED' })
    await devnet.increaseTime(7 * DAY)
    await expect(submitVerdict({ registry, verifier: verifiers[0]!, challengeId: challenge.challengeId, upheld: true })).rejects.toMatchObject({ code: 'CHALLENGE_DEADLINE_PASSED' })
    const before = await usdc(verifiers[2]!.address)
    const resolved = await resolveChallenge({ registry, sender: verifiers[0]!, challengeId: challenge.challengeId })
    expect(resolved.challenge.state).toBe('REJECTED')
    expect((await registry.getCertificate(params.certHash))?.status).toBe('ACTIVE')
    expect((await usdc(verifiers[2]!.address)) - before).toBe(BOND)
    await expect(resolveChallenge({ registry, sender: challenger, challengeId: challenge.challengeId })).rejects.toMatchObject({ code: 'CHALLENGE_NOT_OPEN' })
    // only the governor manages the panel, and it cannot vote
    await expectRevert(sendContractTransaction(devnet.wallet(CHALLENGER), devnet.connection.publicClient, { address: devnet.contracts.challenges, abi: challengesAbi, functionName: 'addVerifier', args: [challenger.address] }, 'add'), 'NotGovernor')
    const noPanel = await c2()
    const governor = keySigner(devnet.anvil.accounts[0]!.devPrivateKey)
    const opened = await openChallenge({ registry, challenger, certHash: noPanel.certHash, kind: 'CONSTRAINT_BYPASS' })
    await expect(submitVerdict({ registry, verifier: governor, challengeId: opened.challenge.challengeId, upheld: true })).rejects.toMatchObject({ code: 'REGISTRY_REVERTED' })
  })
})
