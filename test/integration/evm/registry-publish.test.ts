import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashDomain, hashTypedData, keccak256, parseEventLogs, parseSignature, serializeSignature, stringToBytes, zeroAddress, type Hex } from 'viem'
import { ccpDomain, ccpTypes, publishUriHash } from '../../../src/crypto/eip712.ts'
import { publishMessage } from '../../../src/certificate/onchain.ts'
import { signAttestation, signPublish } from '../../../adapters/evm/actions/sign-typed.ts'
import { signPublishParams, submitPublish } from '../../../adapters/evm/actions/submit-publish.ts'
import { getNonce } from '../../../adapters/evm/actions/get-nonce.ts'
import { getActiveCertificate, getCertificateRecord, isCertificateValid, verifyOnChain } from '../../../adapters/evm/actions/read-registry.ts'
import { registryAbi, stakingAbi } from '../../../adapters/evm/registry-abi.ts'
import { stakeAuditor, stakeOf } from '../../../adapters/evm/actions/stake-auditor.ts'
import { registryError } from '../../../adapters/evm/registry-errors.ts'
import { startDevnet, type Devnet } from '../../support/anvil.ts'
import { expectRevert } from './expect-revert.ts'
import { attest, DAY, fixedAccount, paramsFor, signAndPublish } from './registry-fixtures.ts'

const OPERATOR = 1
const OTHER = 7
const AUDITOR_A = 3
const AUDITOR_B = 4

describe('CCPRegistry.publish on anvil', () => {
  let devnet: Devnet
  beforeAll(async () => {
    devnet = await startDevnet()
  })
  afterAll(async () => {
    await devnet?.stop()
  })

  const registry = () => devnet.contracts.registry
  const client = () => devnet.connection.publicClient

  it('uses the DESIGN.md EIP-712 domain bound to this chain and contract', async () => {
    const onChain = await client().readContract({ address: registry(), abi: registryAbi, functionName: 'DOMAIN_SEPARATOR' })
    expect(onChain).toBe(hashDomain({ domain: ccpDomain(devnet.connection.chainId, registry()), types: { EIP712Domain: [
      { name: 'name', type: 'string' }, { name: 'version', type: 'string' }, { name: 'chainId', type: 'uint256' }, { name: 'verifyingContract', type: 'address' },
    ] } }))
    expect(await client().readContract({ address: registry(), abi: registryAbi, functionName: 'staking' })).toBe(devnet.contracts.staking)
    expect(await client().readContract({ address: registry(), abi: registryAbi, functionName: 'challenger' })).toBe(devnet.account(0).address)
  })

  it("hashes Publish (DESIGN.md's struct plus the operator) and Attest exactly as viem's EIP-712 encoding does", async () => {
    const read = (functionName: 'PUBLISH_TYPEHASH' | 'ATTEST_TYPEHASH') => client().readContract({ address: registry(), abi: registryAbi, functionName })
    expect(await read('PUBLISH_TYPEHASH')).toBe(
      keccak256(stringToBytes('Publish(bytes32 certHash,address agent,address operator,uint8 certificateClass,uint48 expiresAt,uint128 containmentBound,bytes32 uriHash,uint256 nonce)')),
    )
    expect(await read('ATTEST_TYPEHASH')).toBe(keccak256(stringToBytes('Attest(bytes32 certHash,address auditor,bytes32 scope,uint256 stake)')))
    const specs = [{ auditor: AUDITOR_A, scope: 'COMPOSITION_ANALYSIS', stake: (1n << 255n) + 7n }]
    const params = await paramsFor(devnet, { label: 'digest', agent: fixedAccount('digest-agent'), certificateClass: 3, days: 30, bound: (1n << 128n) - 1n, attestations: specs })
    const domain = ccpDomain(devnet.connection.chainId, registry())
    const nonce = (1n << 256n) - 2n
    const operator = devnet.account(OPERATOR).address
    const onChainPublish = await client().readContract({ address: registry(), abi: registryAbi, functionName: 'publishDigest', args: [{ ...params, agentSig: '0x' }, operator, nonce] })
    expect(onChainPublish).toBe(hashTypedData({ domain, types: ccpTypes, primaryType: 'Publish', message: publishMessage(params, operator, nonce) }))
    const otherOperator = await client().readContract({ address: registry(), abi: registryAbi, functionName: 'publishDigest', args: [{ ...params, agentSig: '0x' }, devnet.account(OTHER).address, nonce] })
    expect(otherOperator).not.toBe(onChainPublish)
    const onChainAttest = await client().readContract({ address: registry(), abi: registryAbi, functionName: 'attestDigest', args: [params.certHash, params.attestations[0]!] })
    expect(onChainAttest).toBe(hashTypedData({ domain, types: ccpTypes, primaryType: 'Attest', message: { certHash: params.certHash, ...params.attestations[0]! } }))
  })

  it('publishes a C1 certificate: record, event, nonces, isValid, getActiveCertificate, verify', async () => {
    const agent = fixedAccount('c1-agent')
    const operator = devnet.account(OPERATOR).address
    const params = await paramsFor(devnet, { label: 'c1', agent, certificateClass: 1, days: 90, bound: 50_000n })
    const nonceBefore = await getNonce(client(), registry(), operator)
    const { receipt } = await signAndPublish(devnet, { operator: OPERATOR, agent, params })

    const [published] = parseEventLogs({ abi: registryAbi, logs: receipt.logs, eventName: 'CertificatePublished' })
    expect(published?.args).toEqual({ certHash: params.certHash, agent: agent.address, operator, certificateClass: 1, containmentBound: 50_000n, expiresAt: params.expiresAt })
    expect(published?.topics).toHaveLength(4) // certHash, agent and operator are indexed

    const record = await getCertificateRecord(client(), registry(), params.certHash)
    expect(record).toMatchObject({ operator, agent: agent.address, certificateClass: 'C1', issuedAt: params.issuedAt, expiresAt: params.expiresAt, status: 'ACTIVE', storedStatus: 'ACTIVE', containmentBound: 50_000n, reserveVault: params.reserveVault, spendingLimit: zeroAddress, ipfsUri: params.ipfsUri, auditors: [] })
    expect(await getNonce(client(), registry(), operator)).toBe(nonceBefore + 1n)
    expect(await getNonce(client(), registry(), agent.address)).toBe(1n)
    expect(await isCertificateValid(client(), registry(), params.certHash)).toBe(true)
    expect(await getActiveCertificate(client(), registry(), agent.address)).toBe(params.certHash)
    expect(await verifyOnChain(client(), registry(), { agent: agent.address, minClass: 'C1', maxAcceptableLoss: 50_000n })).toEqual({ acceptable: true, certHash: params.certHash })
    expect(await verifyOnChain(client(), registry(), { agent: agent.address, minClass: 'C2', maxAcceptableLoss: 50_000n })).toEqual({ acceptable: false, certHash: params.certHash })
    expect(await verifyOnChain(client(), registry(), { agent: agent.address, minClass: 'C1', maxAcceptableLoss: 49_999n })).toEqual({ acceptable: false, certHash: params.certHash })
    expect(await verifyOnChain(client(), registry(), { agent: fixedAccount('nobody').address, minClass: 'C1', maxAcceptableLoss: 1n })).toEqual({ acceptable: false, certHash: null })
    expect(await getCertificateRecord(client(), registry(), `0x${'ab'.repeat(32)}`)).toBeNull()
  })

  it('refuses to publish the same certHash twice', async () => {
    const agent = fixedAccount('twice-agent')
    const params = await paramsFor(devnet, { label: 'twice', agent, certificateClass: 1, days: 10 })
    await signAndPublish(devnet, { operator: OPERATOR, agent, params })
    await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params }), 'CertificateAlreadyPublished')
  })

  describe('operator signature', () => {
    it('refuses a Publish signed by someone other than the sender', async () => {
      const agent = fixedAccount('wrong-signer-agent')
      const params = await paramsFor(devnet, { label: 'wrong-signer', agent, certificateClass: 1, days: 10 })
      const signed = await signPublishParams(devnet.wallet(OPERATOR), client(), registry(), { params, agent, attestorSigs: [] })
      const nonce = await getNonce(client(), registry(), devnet.account(OPERATOR).address)
      const strangerSig = await signPublish(devnet.account(OTHER), { chainId: devnet.connection.chainId, registry: registry(), message: publishMessage(params, devnet.account(OPERATOR).address, nonce) })
      const error = await expectRevert(submitPublish(devnet.wallet(OPERATOR), client(), registry(), { ...signed, operatorSig: strangerSig }), 'InvalidOperatorSignature')
      expect(error.revertArgs).toEqual([devnet.account(OTHER).address, devnet.account(OPERATOR).address])
    })

    it('refuses a signature made for another chain', async () => {
      const agent = fixedAccount('other-chain-agent')
      const params = await paramsFor(devnet, { label: 'other-chain', agent, certificateClass: 1, days: 10 })
      const signed = await signPublishParams(devnet.wallet(OPERATOR), client(), registry(), { params, agent, attestorSigs: [] })
      const nonce = await getNonce(client(), registry(), devnet.account(OPERATOR).address)
      const otherChainSig = await signPublish(devnet.account(OPERATOR), { chainId: 1, registry: registry(), message: publishMessage(params, devnet.account(OPERATOR).address, nonce) })
      await expectRevert(submitPublish(devnet.wallet(OPERATOR), client(), registry(), { ...signed, operatorSig: otherChainSig }), 'InvalidOperatorSignature')
    })

    it('refuses a signature made for another registry contract', async () => {
      const agent = fixedAccount('other-contract-agent')
      const params = await paramsFor(devnet, { label: 'other-contract', agent, certificateClass: 1, days: 10 })
      const signed = await signPublishParams(devnet.wallet(OPERATOR), client(), registry(), { params, agent, attestorSigs: [] })
      const nonce = await getNonce(client(), registry(), devnet.account(OPERATOR).address)
      const otherContractSig = await signPublish(devnet.account(OPERATOR), { chainId: devnet.connection.chainId, registry: devnet.contracts.staking, message: publishMessage(params, devnet.account(OPERATOR).address, nonce) })
      await expectRevert(submitPublish(devnet.wallet(OPERATOR), client(), registry(), { ...signed, operatorSig: otherContractSig }), 'InvalidOperatorSignature')
    })

    it('refuses a replayed nonce: signatures made before a publish are dead after it', async () => {
      const agent = fixedAccount('replay-agent')
      const first = await paramsFor(devnet, { label: 'replay-1', agent, certificateClass: 1, days: 10 })
      const second = await paramsFor(devnet, { label: 'replay-2', agent, certificateClass: 1, days: 10 })
      // both signed at the same (current) nonces
      const signedSecond = await signPublishParams(devnet.wallet(OPERATOR), client(), registry(), { params: second, agent, attestorSigs: [] })
      await signAndPublish(devnet, { operator: OPERATOR, agent, params: first })
      await expectRevert(submitPublish(devnet.wallet(OPERATOR), client(), registry(), signedSecond), 'InvalidOperatorSignature')
    })

    it('refuses malformed signatures: wrong length, bad v, high s', async () => {
      const agent = fixedAccount('malformed-agent')
      const params = await paramsFor(devnet, { label: 'malformed', agent, certificateClass: 1, days: 10 })
      const signed = await signPublishParams(devnet.wallet(OPERATOR), client(), registry(), { params, agent, attestorSigs: [] })
      const send = (operatorSig: Hex) => submitPublish(devnet.wallet(OPERATOR), client(), registry(), { ...signed, operatorSig })
      await expectRevert(send(signed.operatorSig.slice(0, 130) as Hex), 'SignatureLength')
      await expectRevert(send(`${signed.operatorSig.slice(0, 130)}1d` as Hex), 'SignatureV')
      const { r, s, yParity } = parseSignature(signed.operatorSig)
      const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
      const highS = `0x${(n - BigInt(s)).toString(16).padStart(64, '0')}` as Hex
      await expectRevert(send(serializeSignature({ r, s: highS, yParity: yParity === 0 ? 1 : 0 })), 'SignatureS')
    })
  })

  describe('agent co-signature', () => {
    it('refuses a publish without the agent signature', async () => {
      const agent = fixedAccount('no-agent-sig')
      const params = await paramsFor(devnet, { label: 'no-agent-sig', agent, certificateClass: 1, days: 10 })
      const signed = await signPublishParams(devnet.wallet(OPERATOR), client(), registry(), { params, agent, attestorSigs: [] })
      await expectRevert(submitPublish(devnet.wallet(OPERATOR), client(), registry(), { ...signed, params: { ...signed.params, agentSig: '0x' } }), 'MissingAgentSignature')
    })

    it('refuses an agent signature by another key (nobody certifies an agent that did not sign)', async () => {
      const agent = fixedAccount('impostor-agent')
      const params = await paramsFor(devnet, { label: 'impostor', agent, certificateClass: 1, days: 10 })
      const signed = await signPublishParams(devnet.wallet(OPERATOR), client(), registry(), { params, agent: fixedAccount('impostor'), attestorSigs: [] })
      const error = await expectRevert(submitPublish(devnet.wallet(OPERATOR), client(), registry(), signed), 'InvalidAgentSignature')
      expect(error.revertArgs).toEqual([fixedAccount('impostor').address, agent.address])
    })

    it("refuses a front-run: another operator resending the params and the agent's signature with its own operator signature", async () => {
      const agent = fixedAccount('front-run-agent')
      const params = await paramsFor(devnet, { label: 'front-run', agent, certificateClass: 1, days: 10 })
      // the real operator's pending publish, as seen in the mempool
      const pending = await signPublishParams(devnet.wallet(OPERATOR), client(), registry(), { params, agent, attestorSigs: [] })
      // the attacker copies params + agentSig and signs Publish itself, at its own nonce, naming itself as operator
      const attacker = devnet.account(OTHER)
      const attackerNonce = await getNonce(client(), registry(), attacker.address)
      const attackerSig = await signPublish(attacker, { chainId: devnet.connection.chainId, registry: registry(), message: publishMessage(params, attacker.address, attackerNonce) })
      const error = await expectRevert(submitPublish(devnet.wallet(OTHER), client(), registry(), { params: pending.params, operatorSig: attackerSig, attestorSigs: [] }), 'InvalidAgentSignature')
      // the agent signed a struct naming OPERATOR, so under the attacker as operator it recovers to someone else
      expect(error.revertArgs[1]).toBe(agent.address)
      expect(error.revertArgs[0]).not.toBe(agent.address)
      expect(await getCertificateRecord(client(), registry(), params.certHash)).toBeNull()
      expect(await getNonce(client(), registry(), attacker.address)).toBe(attackerNonce)
      // the real operator's publish still goes through, and the record names it
      await submitPublish(devnet.wallet(OPERATOR), client(), registry(), pending)
      expect((await getCertificateRecord(client(), registry(), params.certHash))?.operator).toBe(devnet.account(OPERATOR).address)
    })
  })

  describe('class rules', () => {
    it.each([
      [1, 91],
      [2, 61],
      [3, 31],
    ])('refuses class C%i valid for %i days (class maximum)', async (certificateClass, days) => {
      const agent = fixedAccount(`max-${certificateClass}`)
      const attestations = certificateClass >= 2 ? [{ auditor: AUDITOR_A, scope: 'FULL_STACK_VERIFICATION', stake: 1_000n }] : []
      const params = await paramsFor(devnet, { label: `max-${certificateClass}`, agent, certificateClass, days, attestations })
      const error = await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params, attestorSigs: await attest(devnet, params, attestations) }), 'ClassMaximumExceeded')
      expect(error.revertArgs).toEqual([certificateClass, BigInt(days * DAY), BigInt([0, 90, 60, 30][certificateClass]! * DAY)])
    })

    it('refuses class NONE, a certificate already expired, one issued in the future, and expiry before issue', async () => {
      const agent = fixedAccount('times-agent')
      const base = await paramsFor(devnet, { label: 'times', agent, certificateClass: 1, days: 10 })
      const now = await devnet.now()
      await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params: { ...base, certificateClass: 0 } }), 'InvalidClass')
      await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params: { ...base, issuedAt: now - 10 * DAY, expiresAt: now - DAY } }), 'AlreadyExpired')
      await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params: { ...base, issuedAt: now + DAY, expiresAt: now + 5 * DAY } }), 'IssuedInFuture')
      await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params: { ...base, expiresAt: base.issuedAt } }), 'ExpiryNotAfterIssue')
      await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params: { ...base, ipfsUri: '' } }), 'EmptyUri')
    })

    it('refuses C2 without an attestation', async () => {
      const agent = fixedAccount('c2-none')
      const params = await paramsFor(devnet, { label: 'c2-none', agent, certificateClass: 2, days: 30 })
      await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params }), 'MissingAttestation')
    })

    it('refuses an unstaked auditor, and one whose stake is below the signed stake', async () => {
      const agent = fixedAccount('unstaked')
      const specs = [{ auditor: AUDITOR_A, scope: 'SMART_CONTRACT_VERIFICATION', stake: 1_000n, staked: 0n }]
      const params = await paramsFor(devnet, { label: 'unstaked', agent, certificateClass: 2, days: 30, attestations: specs })
      const error = await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params, attestorSigs: await attest(devnet, params, specs) }), 'AuditorNotStaked')
      expect(error.revertArgs).toEqual([devnet.account(AUDITOR_A).address, 0n, 1_000n])

      const lowSpecs = [{ auditor: AUDITOR_A, scope: 'SMART_CONTRACT_VERIFICATION', stake: 1_000n, staked: 999n }]
      const low = await paramsFor(devnet, { label: 'understaked', agent, certificateClass: 2, days: 30, attestations: lowSpecs })
      await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params: low, attestorSigs: await attest(devnet, low, lowSpecs) }), 'AuditorNotStaked')
    })

    it('refuses a duplicate auditor, an auditor who is the operator or agent, a zero stake, a wrong attestor key and a count mismatch', async () => {
      const agent = fixedAccount('dup')
      const specs = [
        { auditor: AUDITOR_A, scope: 'SMART_CONTRACT_VERIFICATION', stake: 1_000n },
        { auditor: AUDITOR_A, scope: 'FULL_STACK_VERIFICATION', stake: 1_000n, staked: 0n },
      ]
      const params = await paramsFor(devnet, { label: 'dup', agent, certificateClass: 2, days: 30, attestations: specs })
      const sigs = await attest(devnet, params, specs)
      await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params, attestorSigs: sigs }), 'DuplicateAuditor')

      const selfSpecs = [{ auditor: OPERATOR, scope: 'SMART_CONTRACT_VERIFICATION', stake: 1_000n }]
      const self = await paramsFor(devnet, { label: 'self-audit', agent, certificateClass: 2, days: 30, attestations: selfSpecs })
      await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params: self, attestorSigs: await attest(devnet, self, selfSpecs) }), 'AuditorNotIndependent')

      const one = [{ auditor: AUDITOR_B, scope: 'SMART_CONTRACT_VERIFICATION', stake: 1_000n }]
      const zero = await paramsFor(devnet, { label: 'zero-stake', agent, certificateClass: 2, days: 30, attestations: one })
      const zeroSigs = await attest(devnet, zero, one)
      await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params: { ...zero, attestations: [{ ...zero.attestations[0]!, stake: 0n }] }, attestorSigs: zeroSigs }), 'ZeroStakeClaimed')

      const forged = await signAttestation(devnet.account(AUDITOR_A), { chainId: devnet.connection.chainId, registry: registry(), message: { certHash: zero.certHash, ...zero.attestations[0]! } })
      await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params: zero, attestorSigs: [forged] }), 'InvalidAttestorSignature')
      await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params: zero, attestorSigs: [] }), 'AttestationCountMismatch')
    })

    it("refuses an auditor's Attest signature reused for another certHash, even with a stake locked for it", async () => {
      const agent = fixedAccount('reuse-agent')
      const specs = [{ auditor: AUDITOR_B, scope: 'SMART_CONTRACT_VERIFICATION', stake: 1_000n }]
      const first = await paramsFor(devnet, { label: 'reuse-1', agent, certificateClass: 2, days: 30, attestations: specs })
      const firstSigs = await attest(devnet, first, specs)
      const second = await paramsFor(devnet, { label: 'reuse-2', agent, certificateClass: 2, days: 30, attestations: specs })
      await stakeAuditor(devnet.wallet(AUDITOR_B), client(), devnet.contracts.staking, second.certHash, 1_000n)
      const error = await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params: second, attestorSigs: firstSigs }), 'InvalidAttestorSignature')
      expect(error.revertArgs[1]).toBe(devnet.account(AUDITOR_B).address)
      await signAndPublish(devnet, { operator: OPERATOR, agent, params: first, attestorSigs: firstSigs })
      expect((await getCertificateRecord(client(), registry(), first.certHash))?.auditors).toEqual([devnet.account(AUDITOR_B).address])
    })

    it('publishes C2 with a staked auditor and records the attestors', async () => {
      const agent = fixedAccount('c2-ok')
      const specs = [
        { auditor: AUDITOR_A, scope: 'SMART_CONTRACT_VERIFICATION', stake: 1_500n },
        { auditor: AUDITOR_B, scope: 'ACTIVITY_TRAIL_VERIFICATION', stake: 700n, staked: 800n },
      ]
      const params = await paramsFor(devnet, { label: 'c2-ok', agent, certificateClass: 2, days: 60, attestations: specs })
      const { receipt } = await signAndPublish(devnet, { operator: OPERATOR, agent, params, attestorSigs: await attest(devnet, params, specs) })
      const recorded = parseEventLogs({ abi: registryAbi, logs: receipt.logs, eventName: 'AttestationRecorded' }).map((l) => l.args)
      expect(recorded).toEqual(params.attestations.map((a) => ({ certHash: params.certHash, ...a })))
      const record = await getCertificateRecord(client(), registry(), params.certHash)
      expect(record?.auditors).toEqual([devnet.account(AUDITOR_A).address, devnet.account(AUDITOR_B).address])
      expect(record?.certificateClass).toBe('C2')
    })

    it('refuses C3 without a COMPOSITION_ANALYSIS or FULL_STACK_VERIFICATION attestation, accepts it with one', async () => {
      const agent = fixedAccount('c3')
      const wrong = [{ auditor: AUDITOR_A, scope: 'SMART_CONTRACT_VERIFICATION', stake: 1_000n }]
      const bad = await paramsFor(devnet, { label: 'c3-bad', agent, certificateClass: 3, days: 30, attestations: wrong })
      await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params: bad, attestorSigs: await attest(devnet, bad, wrong) }), 'MissingC3Scope')

      const right = [{ auditor: AUDITOR_B, scope: 'COMPOSITION_ANALYSIS', stake: 1_000n }]
      const good = await paramsFor(devnet, { label: 'c3-good', agent, certificateClass: 3, days: 30, attestations: right })
      await signAndPublish(devnet, { operator: OPERATOR, agent, params: good, attestorSigs: await attest(devnet, good, right) })
      expect((await getCertificateRecord(client(), registry(), good.certHash))?.certificateClass).toBe('C3')
      expect(await verifyOnChain(client(), registry(), { agent: agent.address, minClass: 'C3', maxAcceptableLoss: 50_000n })).toEqual({ acceptable: true, certHash: good.certHash })
    })
  })

  it('binds the URI: a publish whose ipfsUri differs from the signed uriHash is refused', async () => {
    const agent = fixedAccount('uri-agent')
    const params = await paramsFor(devnet, { label: 'uri', agent, certificateClass: 1, days: 10 })
    const signed = await signPublishParams(devnet.wallet(OPERATOR), client(), registry(), { params, agent, attestorSigs: [] })
    expect(publishMessage(params, devnet.account(OPERATOR).address, 0n).uriHash).toBe(publishUriHash(params.ipfsUri))
    await expectRevert(submitPublish(devnet.wallet(OPERATOR), client(), registry(), { ...signed, params: { ...signed.params, ipfsUri: 'ipfs://bafkreiswapped' } }), 'InvalidOperatorSignature')
  })

  it('AuditorStaking: stakes add up per certificate; only the slasher set in the constructor may slash, within the stake', async () => {
    const certHash = `0x${'5a'.repeat(32)}` as const
    const auditor = devnet.account(AUDITOR_A).address
    const staking = devnet.contracts.staking
    await stakeAuditor(devnet.wallet(AUDITOR_A), client(), staking, certHash, 600n)
    await stakeAuditor(devnet.wallet(AUDITOR_A), client(), staking, certHash, 400n)
    expect(await stakeOf(client(), staking, auditor, certHash)).toBe(1_000n)
    expect(await client().readContract({ address: staking, abi: stakingAbi, functionName: 'slasher' })).toBe(devnet.account(0).address)
    await expectRevert(stakeAuditor(devnet.wallet(AUDITOR_A), client(), staking, certHash, 0n), 'ZeroStake')
    const slash = (i: number, amount: bigint) =>
      client()
        .simulateContract({ address: staking, abi: stakingAbi, account: devnet.account(i), functionName: 'slash', args: [auditor, certHash, amount, devnet.account(OTHER).address] })
        .then(async ({ request }) => client().waitForTransactionReceipt({ hash: await devnet.wallet(i).writeContract(request) }))
        .catch((e: unknown) => {
          throw registryError(e, 'slash')
        })
    await expectRevert(slash(OTHER, 100n), 'NotSlasher')
    await expectRevert(slash(0, 1_001n), 'SlashExceedsStake')
    const before = await client().getBalance({ address: devnet.account(OTHER).address })
    const receipt = await slash(0, 300n)
    expect(parseEventLogs({ abi: stakingAbi, logs: receipt.logs, eventName: 'Slashed' })[0]?.args).toEqual({ auditor, certHash, amount: 300n, recipient: devnet.account(OTHER).address })
    expect(await stakeOf(client(), staking, auditor, certHash)).toBe(700n)
    expect(await client().getBalance({ address: devnet.account(OTHER).address })).toBe(before + 300n)
  })
})
