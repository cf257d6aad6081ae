import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { encodeFunctionData, getAddress, type Abi, type Address, type Hex } from 'viem'
import { buildScenario, SCENARIO } from '../../../fixtures/scripts/scenario.ts'
import { certify } from '../../../src/bridge/certify.ts'
import { certKey, requiredReserve, toPublishParams } from '../../../src/certificate/onchain.ts'
import { certificateUri } from '../../../src/certificate/hash.ts'
import type { TypedDataSigner } from '../../../src/ports.ts'
import { verifyAgent } from '../../../src/verify/verify-agent.ts'
import { compileSources } from '../../../adapters/evm/compile-contracts.ts'
import { signPublishParams } from '../../../adapters/evm/actions/submit-publish.ts'
import { getCertificateRecord } from '../../../adapters/evm/actions/read-registry.ts'
import { registryAbi, stakingAbi, tokenAbi, vaultAbi } from '../../../adapters/evm/registry-abi.ts'
import { evmRegistry, keySigner, type EvmRegistry } from '../../../adapters/evm/registry-port.ts'
import { startDevnet, type Devnet } from '../../support/anvil.ts'
import { memoryStore, scenarioEvidence } from '../../unit/bridge/memory-ports.ts'
import { USDC } from './registry-fixtures.ts'

const walletSource = readFileSync(fileURLToPath(new URL('../../forge/mocks/ERC1271Wallet.sol', import.meta.url)), 'utf8')

describe('contract wallets (ERC-1271, as a Safe) as operator and auditor, on anvil', () => {
  let devnet: Devnet
  let registry: EvmRegistry
  let walletAbi: Abi
  let walletBytecode: Hex
  beforeAll(async () => {
    devnet = await startDevnet({ timestamp: Date.parse(SCENARIO.now) / 1000 })
    registry = await evmRegistry(devnet.anvil.rpcUrl, devnet.contracts.registry)
    const compiled = compileSources({ 'ERC1271Wallet.sol': { content: walletSource } })['ERC1271Wallet.sol']!.ERC1271Wallet!
    walletAbi = compiled.abi as Abi
    walletBytecode = compiled.bytecode
  })
  afterAll(async () => {
    await devnet?.stop()
  })

  /** Deploys a wallet owned by dev account `owner`; returns its address and how to call through it. */
  const deployWallet = async (owner: number) => {
    const client = devnet.connection.publicClient
    const hash = await devnet.wallet(owner).deployContract({ abi: walletAbi, bytecode: walletBytecode, args: [devnet.account(owner).address] })
    const address = getAddress((await client.waitForTransactionReceipt({ hash })).contractAddress!)
    const execute = async (target: Address, data: Hex) => {
      const tx = await devnet.wallet(owner).writeContract({ address, abi: walletAbi, functionName: 'execute', args: [target, data] } as never)
      const receipt = await client.waitForTransactionReceipt({ hash: tx })
      if (receipt.status !== 'success') throw new Error(`wallet call reverted: ${tx}`)
      return receipt
    }
    /** a signer whose address is the wallet and whose signatures its owner makes (the wallet's ERC-1271 accepts them) */
    const signer: TypedDataSigner = { address, signTypedData: (p) => devnet.account(owner).signTypedData(p as never) }
    return { address, execute, signer }
  }

  it('a wallet operator funds and publishes, a wallet auditor bonds, stakes and signs by ERC-1271, and a counterparty accepts', async () => {
    const operatorWallet = await deployWallet(1)
    const auditorWallet = await deployWallet(3)
    const scenario = buildScenario()
    const evidence = scenarioEvidence(scenario)
    evidence.config.identity.operator_id = operatorWallet.address
    const store = memoryStore()
    const result = await certify({ ...evidence, now: new Date(SCENARIO.now), registry, stakeContract: devnet.contracts.staking, auditor: auditorWallet.signer, store })
    if (!result.certified) throw new Error(JSON.stringify(result.refusals))
    const bytes = new TextEncoder().encode(JSON.stringify(result.certificate))
    const certHash = result.certHash
    const usdc = devnet.contracts.stakeToken
    // tokens to the wallets (from their owners' dev balances)
    for (const [from, to] of [[1, operatorWallet.address], [3, auditorWallet.address]] as const) {
      await devnet.connection.publicClient.waitForTransactionReceipt({ hash: await devnet.wallet(from).writeContract({ address: usdc, abi: tokenAbi, functionName: 'transfer', args: [to, 50_000n * USDC] }) })
    }
    const reserve = requiredReserve('C2', 5_000n, 6)
    await operatorWallet.execute(usdc, encodeFunctionData({ abi: tokenAbi, functionName: 'approve', args: [devnet.contracts.vault, reserve] }))
    await operatorWallet.execute(devnet.contracts.vault, encodeFunctionData({ abi: vaultAbi, functionName: 'deposit', args: [certKey(certHash), usdc, reserve] }))
    await auditorWallet.execute(usdc, encodeFunctionData({ abi: tokenAbi, functionName: 'approve', args: [devnet.contracts.staking, 2_000n * USDC] }))
    await auditorWallet.execute(devnet.contracts.staking, encodeFunctionData({ abi: stakingAbi, functionName: 'bond', args: [2_000n * USDC] }))
    await auditorWallet.execute(devnet.contracts.staking, encodeFunctionData({ abi: stakingAbi, functionName: 'stake', args: [certKey(certHash), 1_500n * USDC] }))

    // the agent co-signs for the wallet as operator; the wallet sends publish (its transaction is the operator's signature)
    const uri = certificateUri(bytes)
    await store.put(bytes)
    const params = toPublishParams(result.certificate, { certHash, ipfsUri: uri })
    const agent = keySigner(scenario.evm.agent.devPrivateKey)
    const fakeWallet = { account: { address: operatorWallet.address } } as never
    const signed = await signPublishParams(fakeWallet, devnet.connection.publicClient, devnet.contracts.registry, { params, agent, attestorSigs: [result.certificate.attestations[0]!.signature as Hex] })
    await operatorWallet.execute(devnet.contracts.registry, encodeFunctionData({ abi: registryAbi, functionName: 'publish', args: [signed.params, '0x', signed.attestorSigs] }))
    const record = await getCertificateRecord(devnet.connection.publicClient, devnet.contracts.registry, certHash)
    expect(record).toMatchObject({ operator: operatorWallet.address, auditors: [auditorWallet.address], status: 'ACTIVE', ipfsUri: uri })

    // the auditor's signature does not recover to the wallet: the chain's ERC-1271 answer is what counts
    const decision = await verifyAgent({ agent: agent.address, registry, store, policy: {}, now: new Date(SCENARIO.now) })
    expect(decision.reasons).toEqual([])
    expect(decision.decision).toBe('accept')
    expect(decision.stakes).toEqual([{ auditor: auditorWallet.address, bonded: true, staked: 1_500n * USDC, claimed: 1_500n * USDC }])

    // a signature the wallet does not accept (not its owner's) is refused by the chain's ERC-1271 check
    const typed = { domain: { name: 'x' }, types: { X: [{ name: 'a', type: 'uint256' }] }, primaryType: 'X', message: { a: 1n } }
    expect(await registry.verifyTypedData(auditorWallet.address, typed, await devnet.account(3).signTypedData(typed as never))).toBe(true)
    expect(await registry.verifyTypedData(auditorWallet.address, typed, await devnet.account(5).signTypedData(typed as never))).toBe(false)
  })
})
