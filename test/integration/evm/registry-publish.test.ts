import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeFunctionData, encodeFunctionData, hashDomain, hashTypedData, keccak256, parseEventLogs, sha256, stringToBytes, toHex, type Hex } from 'viem'
import { ccpDomain, ccpTypes } from '../../../src/crypto/eip712.ts'
import { attestMessage, certKey, publishMessage, uriFromDigest } from '../../../src/certificate/onchain.ts'
import { certificateUri } from '../../../src/certificate/hash.ts'
import { getActiveCertificate, getCertificateRecord, isCertificateValid, verifyOnChain } from '../../../adapters/evm/actions/read-registry.ts'
import { registryAbi, stakingAbi, vaultAbi } from '../../../adapters/evm/registry-abi.ts'
import { bondOf, stakeAuditor, stakeOf, unstakeAuditor } from '../../../adapters/evm/actions/stake-auditor.ts'
import { readReserve, withdrawReserve } from '../../../adapters/evm/actions/reserve.ts'
import { acceptAudit, readFeeRequest, recoverFee, requestAudit } from '../../../adapters/evm/actions/fee-escrow.ts'
import { signPublishParams } from '../../../adapters/evm/actions/submit-publish.ts'
import { tokenBalance } from '../../../adapters/evm/actions/read-deployment.ts'
import { sendContractTransaction } from '../../../adapters/evm/actions/send-contract-transaction.ts'
import { registryError } from '../../../adapters/evm/registry-errors.ts'
import { startDevnet, type Devnet } from '../../support/anvil.ts'
import { expectRevert } from './expect-revert.ts'
import { anchor, attest, DAY, fixedAccount, fund, paramsFor, signAndPublish, USDC, uriOf } from './registry-fixtures.ts'

const OPERATOR = 1
const AUDITOR_A = 3
const AUDITOR_B = 4
const ATTACKER = 5

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

  it('uses the EIP-712 domain of DESIGN.md (EIP-5267 eip712Domain) and hashes Terms, Publish and Attest as viem does', async () => {
    const domain = ccpDomain(devnet.connection.chainId, registry())
    const onChain = await client().readContract({ address: registry(), abi: registryAbi, functionName: 'DOMAIN_SEPARATOR' })
    expect(onChain).toBe(hashDomain({ domain, types: { EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'version', type: 'string' }, { name: 'chainId', type: 'uint256' }, { name: 'verifyingContract', type: 'address' }] } }))
    const [fields, name, version, chainId, verifyingContract] = await client().readContract({ address: registry(), abi: registryAbi, functionName: 'eip712Domain' })
    expect({ fields, name, version, chainId, verifyingContract }).toEqual({ fields: '0x0f', name: 'CCPRegistry', version: '0.2.0', chainId: 31337n, verifyingContract: registry() })
    const terms = 'Terms(bytes32 certHash,address agent,address operator,uint8 certificateClass,uint48 expiresAt,uint128 containmentBound)'
    const read = (functionName: 'TERMS_TYPEHASH' | 'PUBLISH_TYPEHASH' | 'ATTEST_TYPEHASH') => client().readContract({ address: registry(), abi: registryAbi, functionName })
    expect(await read('TERMS_TYPEHASH')).toBe(keccak256(stringToBytes(terms)))
    expect(await read('PUBLISH_TYPEHASH')).toBe(keccak256(stringToBytes(`Publish(Terms terms,bytes32 uriDigest)${terms}`)))
    expect(await read('ATTEST_TYPEHASH')).toBe(keccak256(stringToBytes(`Attest(Terms terms,address auditor,bytes32 scope,uint256 stake)${terms}`)))

    const params = await paramsFor(devnet, { label: 'digest', agent: fixedAccount('digest-agent'), certificateClass: 3, days: 30, bound: (1n << 128n) - 1n, attestations: [{ auditor: AUDITOR_A, scope: 'COMPOSITION_ANALYSIS', stake: (1n << 255n) + 7n }] })
    const operator = devnet.account(OPERATOR).address
    const publishDigest = await client().readContract({ address: registry(), abi: registryAbi, functionName: 'publishDigest', args: [{ ...params, agentSig: '0x' }, operator] })
    expect(publishDigest).toBe(hashTypedData({ domain, types: ccpTypes, primaryType: 'Publish', message: publishMessage(params, operator) }))
    const otherOperator = await client().readContract({ address: registry(), abi: registryAbi, functionName: 'publishDigest', args: [{ ...params, agentSig: '0x' }, devnet.account(7).address] })
    expect(otherOperator).not.toBe(publishDigest)
    const attestDigest = await client().readContract({ address: registry(), abi: registryAbi, functionName: 'attestDigest', args: [{ ...params, agentSig: '0x' }, operator, 0n] })
    expect(attestDigest).toBe(hashTypedData({ domain, types: ccpTypes, primaryType: 'Attest', message: attestMessage(params, operator, 0) }))
  })

  it('publishes a C2: record, events, the URI rebuilt on chain from its digest, reserve checked, isValid, verify', async () => {
    const agent = fixedAccount('c2-agent')
    const operator = devnet.account(OPERATOR).address
    const specs = [{ auditor: AUDITOR_A, scope: 'ACTIVITY_TRAIL_VERIFICATION', stake: 1_500n * USDC }]
    const params = await paramsFor(devnet, { label: 'c2', agent, certificateClass: 2, days: 60, attestations: specs })
    await fund(devnet, OPERATOR, params)
    const sigs = await attest(devnet, params, specs)
    const { receipt } = await signAndPublish(devnet, { operator: OPERATOR, agent, params, attestorSigs: sigs })
    const [published] = parseEventLogs({ abi: registryAbi, logs: receipt.logs, eventName: 'CertificatePublished' })
    expect(published?.args).toEqual({ certHash: params.certHash, agent: agent.address, operator, certificateClass: 2, containmentBound: 5_000n, expiresAt: params.expiresAt })
    expect(published?.topics).toHaveLength(4)
    const record = await getCertificateRecord(client(), registry(), params.certHash)
    expect(record).toMatchObject({ operator, agent: agent.address, certificateClass: 'C2', status: 'ACTIVE', containmentBound: 5_000n, reserveVault: devnet.contracts.vault, auditors: [devnet.account(AUDITOR_A).address], ipfsUri: uriOf(params) })
    expect(await isCertificateValid(client(), registry(), params.certHash)).toBe(true)
    expect(await getActiveCertificate(client(), registry(), agent.address)).toBe(params.certHash)
    expect(await verifyOnChain(client(), registry(), { agent: agent.address, minClass: 'C2', maxAcceptableLoss: 5_000n })).toEqual({ acceptable: true, certHash: params.certHash })
    expect(await verifyOnChain(client(), registry(), { agent: agent.address, minClass: 'C3', maxAcceptableLoss: 5_000n })).toEqual({ acceptable: false, certHash: params.certHash })
    expect((await readReserve(client(), devnet.contracts.vault, params.certHash, operator)).backing).toBe(15_000n * USDC)
  })

  it('rebuilds ipfs://<CIDv1 raw sha2-256> on chain exactly as multiformats does, for any digest', async () => {
    for (const text of ['', '{}', 'a certificate', 'x'.repeat(1000)]) {
      const bytes = stringToBytes(text)
      const params = await paramsFor(devnet, { label: `uri-${text.length}`, agent: fixedAccount(`uri-agent-${text.length}`), certificateClass: 1, days: 10 })
      params.uriDigest = sha256(bytes)
      await fund(devnet, OPERATOR, params)
      await signAndPublish(devnet, { operator: OPERATOR, agent: fixedAccount(`uri-agent-${text.length}`), params })
      const record = await getCertificateRecord(client(), registry(), params.certHash)
      expect(record?.ipfsUri).toBe(certificateUri(bytes))
      expect(uriFromDigest(params.uriDigest)).toBe(certificateUri(bytes))
    }
  })

  it('attack 1 (hijack) fails: a pending C3 copied under another agent, bound 1, another URI and a higher fee reverts, the victim\'s goes through', async () => {
    const victimAgent = fixedAccount('hijack-victim')
    const specs = [{ auditor: AUDITOR_B, scope: 'COMPOSITION_ANALYSIS', stake: 5_000n * USDC }]
    const params = await paramsFor(devnet, { label: 'hijack', agent: victimAgent, certificateClass: 3, days: 30, attestations: specs })
    await fund(devnet, OPERATOR, params)
    const sigs = await attest(devnet, params, specs)
    const signed = await signPublishParams(devnet.wallet(OPERATOR), client(), registry(), { params, agent: victimAgent, attestorSigs: sigs })
    // the attacker has its own agent and its own reserve, ready to anchor a C3 with bound 1
    const attackerAgent = fixedAccount('hijack-attacker-agent')
    await fund(devnet, ATTACKER, { ...params, containmentBound: 1n })
    await devnet.testClient.setAutomine(false)
    try {
      const victimTx = await devnet.wallet(OPERATOR).sendTransaction({ to: registry(), data: encodeFunctionData({ abi: registryAbi, functionName: 'publish', args: [signed.params, signed.operatorSig, signed.attestorSigs] }), gas: 600_000n })
      // the attacker reads the pending transaction from the mempool and reuses its certHash and auditor signature
      const pending = await client().getTransaction({ hash: victimTx })
      const call = decodeFunctionData({ abi: registryAbi, data: pending.input })
      if (call.functionName !== 'publish') throw new Error('not a publish')
      const [seen, , seenSigs] = call.args
      const { agentSig: _victimAgentSig, ...copied } = seen
      const stolen = { ...copied, attestations: [...copied.attestations], agent: attackerAgent.address, containmentBound: 1n, uriDigest: sha256(toHex('the attacker document')) }
      const forged = await signPublishParams(devnet.wallet(ATTACKER), client(), registry(), { params: stolen, agent: attackerAgent, attestorSigs: [...seenSigs] })
      const simulated = client().simulateContract({ address: registry(), abi: registryAbi, functionName: 'publish', args: [forged.params, '0x', forged.attestorSigs], account: devnet.wallet(ATTACKER).account })
      await expectRevert(simulated.catch((e: unknown) => Promise.reject(registryError(e, 'publish'))), 'InvalidAttestorSignature')
      const fee = (pending.maxPriorityFeePerGas ?? 1n) * 10n
      const attackTx = await devnet.wallet(ATTACKER).sendTransaction({ to: registry(), data: encodeFunctionData({ abi: registryAbi, functionName: 'publish', args: [forged.params, '0x', forged.attestorSigs] }), gas: 600_000n, maxPriorityFeePerGas: fee, maxFeePerGas: (pending.maxFeePerGas ?? 0n) + fee })
      await devnet.testClient.mine({ blocks: 1 })
      const [attack, victim] = await Promise.all([client().getTransactionReceipt({ hash: attackTx }), client().getTransactionReceipt({ hash: victimTx })])
      expect(attack.status).toBe('reverted')
      expect(victim.status).toBe('success')
      expect(attack.blockNumber).toBe(victim.blockNumber)
    } finally {
      await devnet.testClient.setAutomine(true)
    }
    const record = await getCertificateRecord(client(), registry(), params.certHash)
    expect(record).toMatchObject({ agent: victimAgent.address, operator: devnet.account(OPERATOR).address, certificateClass: 'C3', containmentBound: 5_000n })
    expect(await getActiveCertificate(client(), registry(), attackerAgent.address)).toBeNull()
  })

  it('attack 2 (squat) costs a re-issue, never a stake: a front-run C1 under the pending certHash wins, and every deposit comes back', async () => {
    const agent = fixedAccount('squat-victim')
    const operator = devnet.account(OPERATOR).address
    const specs = [{ auditor: AUDITOR_A, scope: 'ACTIVITY_TRAIL_VERIFICATION', stake: 1_500n * USDC }]
    const params = await paramsFor(devnet, { label: 'squat', agent, certificateClass: 2, days: 60, attestations: specs })
    await fund(devnet, OPERATOR, params)
    const { requestId } = await requestAudit(devnet.wallet(OPERATOR), client(), devnet.contracts.escrow, { auditor: devnet.account(AUDITOR_A).address, token: devnet.contracts.stakeToken, amount: 500n * USDC })
    await acceptAudit(devnet.wallet(AUDITOR_A), client(), devnet.contracts.escrow, requestId, params.certHash)
    const sigs = await attest(devnet, params, specs)
    const signed = await signPublishParams(devnet.wallet(OPERATOR), client(), registry(), { params, agent, attestorSigs: sigs })
    const operatorUsdc = await tokenBalance(client(), devnet.contracts.stakeToken, operator)
    const auditorBond = await bondOf(client(), devnet.contracts.staking, devnet.account(AUDITOR_A).address)
    // deposits are filed under keccak256(certHash): none of them told the squatter the certHash
    const key = certKey(params.certHash)
    expect(key).not.toBe(params.certHash)

    const squatAgent = fixedAccount('squatter-agent')
    const squat = { ...(await paramsFor(devnet, { label: 'squat', agent: squatAgent, certificateClass: 1, days: 90, bound: 1n })) }
    await fund(devnet, ATTACKER, squat)
    await devnet.testClient.setAutomine(false)
    try {
      const victimTx = await devnet.wallet(OPERATOR).sendTransaction({ to: registry(), data: encodeFunctionData({ abi: registryAbi, functionName: 'publish', args: [signed.params, '0x', signed.attestorSigs] }), gas: 600_000n })
      const pending = await client().getTransaction({ hash: victimTx })
      const call = decodeFunctionData({ abi: registryAbi, data: pending.input })
      if (call.functionName !== 'publish') throw new Error('not a publish')
      const squatSigned = await signPublishParams(devnet.wallet(ATTACKER), client(), registry(), { params: { ...squat, certHash: call.args[0].certHash }, agent: squatAgent, attestorSigs: [] })
      const fee = (pending.maxPriorityFeePerGas ?? 1n) * 10n
      const squatTx = await devnet.wallet(ATTACKER).sendTransaction({ to: registry(), data: encodeFunctionData({ abi: registryAbi, functionName: 'publish', args: [squatSigned.params, '0x', []] }), gas: 600_000n, maxPriorityFeePerGas: fee, maxFeePerGas: (pending.maxFeePerGas ?? 0n) + fee })
      await devnet.testClient.mine({ blocks: 1 })
      expect((await client().getTransactionReceipt({ hash: squatTx })).status).toBe('success')
      expect((await client().getTransactionReceipt({ hash: victimTx })).status).toBe('reverted')
    } finally {
      await devnet.testClient.setAutomine(true)
    }
    expect((await getCertificateRecord(client(), registry(), params.certHash))?.agent).toBe(squatAgent.address)
    // the victim's stake, reserve and fee all come back
    await unstakeAuditor(devnet.wallet(AUDITOR_A), client(), devnet.contracts.staking, params.certHash)
    await withdrawReserve(devnet.wallet(OPERATOR), client(), devnet.contracts.vault, params.certHash)
    await recoverFee(devnet.wallet(OPERATOR), client(), devnet.contracts.escrow, { requestId, certHash: params.certHash })
    expect(await stakeOf(client(), devnet.contracts.staking, devnet.account(AUDITOR_A).address, params.certHash)).toBe(0n)
    const bondAfter = await bondOf(client(), devnet.contracts.staking, devnet.account(AUDITOR_A).address)
    expect(bondAfter.free).toBe(auditorBond.free + 1_500n * USDC)
    expect(await tokenBalance(client(), devnet.contracts.stakeToken, operator)).toBe(operatorUsdc + 15_000n * USDC + 500n * USDC)
    expect((await readFeeRequest(client(), devnet.contracts.escrow, requestId))?.state).toBe('RECLAIMED')
    // the squatter's own reserve is locked behind its record
    await expectRevert(withdrawReserve(devnet.wallet(ATTACKER), client(), devnet.contracts.vault, params.certHash), 'ReserveLocked')
  })

  it('attack 3 (1 wei makes a C3) fails: the class minimum stake, and only a bonded auditor can stake', async () => {
    const agent = fixedAccount('cheap-c3')
    const params = await paramsFor(devnet, { label: 'cheap', agent, certificateClass: 3, days: 30, attestations: [{ auditor: AUDITOR_B, scope: 'COMPOSITION_ANALYSIS', stake: 1n }] })
    await fund(devnet, OPERATOR, params)
    const sigs = await attest(devnet, params, [{ auditor: AUDITOR_B, scope: 'COMPOSITION_ANALYSIS', stake: 1n }])
    const revert = await expectRevert(signAndPublish(devnet, { operator: OPERATOR, agent, params, attestorSigs: sigs }), 'StakeBelowClassMinimum')
    expect(revert.revertArgs).toEqual([devnet.account(AUDITOR_B).address, 1n, 5_000n * USDC])
    // a throwaway key with tokens but no registration (bond below the minimum) cannot stake at all
    const throwaway = 9
    await expectRevert(stakeAuditor(devnet.wallet(throwaway), client(), devnet.contracts.staking, params.certHash, 1n), 'NotRegistered')
    expect(await client().readContract({ address: registry(), abi: registryAbi, functionName: 'minStake', args: [3] })).toBe(5_000n * USDC)
  })

  it('attack 4: no key moves a stake or a reserve (only the registry, on settlement or an upheld challenge)', async () => {
    const params = await anchor(devnet, { label: 'locked', agent: fixedAccount('locked-agent'), certificateClass: 2, days: 60, attestations: [{ auditor: AUDITOR_A, scope: 'ACTIVITY_TRAIL_VERIFICATION', stake: 1_500n * USDC }] })
    for (const who of [0, OPERATOR, AUDITOR_A]) {
      const wallet = devnet.wallet(who)
      await expectRevert(sendContractTransaction(wallet, client(), { address: devnet.contracts.staking, abi: stakingAbi, functionName: 'slash', args: [params.certHash, devnet.account(AUDITOR_A).address, wallet.account.address, []] }, 'slash'), 'NotRegistry')
      await expectRevert(sendContractTransaction(wallet, client(), { address: devnet.contracts.staking, abi: stakingAbi, functionName: 'release', args: [params.certHash, devnet.account(AUDITOR_A).address] }, 'release'), 'NotRegistry')
      await expectRevert(sendContractTransaction(wallet, client(), { address: devnet.contracts.vault, abi: vaultAbi, functionName: 'release', args: [params.certHash, wallet.account.address] }, 'release'), 'NotRegistry')
    }
    await expectRevert(unstakeAuditor(devnet.wallet(AUDITOR_A), client(), devnet.contracts.staking, params.certHash), 'StakeLocked')
    await expectRevert(withdrawReserve(devnet.wallet(OPERATOR), client(), devnet.contracts.vault, params.certHash), 'ReserveLocked')
  })

  it('refuses an operator signature, a wrong vault, an unfunded reserve, a stake short of the claim, and a foreign agent signature', async () => {
    const agent = fixedAccount('refusals')
    const params = await paramsFor(devnet, { label: 'refusals', agent, certificateClass: 2, days: 60, attestations: [{ auditor: AUDITOR_B, scope: 'SMART_CONTRACT_VERIFICATION', stake: 2_000n * USDC }] })
    const sigs = await attest(devnet, params, [{ auditor: AUDITOR_B, scope: 'SMART_CONTRACT_VERIFICATION', stake: 2_000n * USDC, staked: 1_000n * USDC }])
    const signed = await signPublishParams(devnet.wallet(OPERATOR), client(), registry(), { params, agent, attestorSigs: sigs })
    const send = (p: typeof signed.params, operatorSig: Hex = '0x', from = OPERATOR) =>
      sendContractTransaction(devnet.wallet(from), client(), { address: registry(), abi: registryAbi, functionName: 'publish', args: [p, operatorSig, signed.attestorSigs] }, 'publish')
    await expectRevert(send(signed.params, '0x1234'), 'OperatorSignatureNotUsed')
    await expectRevert(send({ ...signed.params, reserveVault: devnet.contracts.escrow }), 'WrongReserveVault')
    await expectRevert(send(signed.params), 'ReserveNotFunded')
    await fund(devnet, OPERATOR, params, 15_000n * USDC - 1n)
    await expectRevert(send(signed.params), 'ReserveInsufficient')
    await fund(devnet, OPERATOR, params, 1n)
    await expectRevert(send(signed.params), 'AuditorNotStaked')
    await stakeAuditor(devnet.wallet(AUDITOR_B), client(), devnet.contracts.staking, params.certHash, 1_000n * USDC)
    await fund(devnet, 7, params)
    await expectRevert(send(signed.params, '0x', 7), 'InvalidAgentSignature')
    await send(signed.params)
    expect((await getCertificateRecord(client(), registry(), params.certHash))?.status).toBe('ACTIVE')
    expect(DAY).toBe(86_400)
  })
})
