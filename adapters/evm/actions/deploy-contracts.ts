import { getAddress, getContractAddress, type Address } from 'viem'
import { auditorStakingBytecode } from '../artifacts/AuditorStaking.ts'
import { ccpRegistryBytecode } from '../artifacts/CCPRegistry.ts'
import type { RegistryPublicClient, RegistryWalletClient } from '../clients.ts'
import { registryAbi, stakingAbi } from '../registry-abi.ts'
import { registryError } from '../registry-errors.ts'

export type DeployedContracts = {
  registry: Address
  staking: Address
  /** who may challenge certificates (set once in the registry's constructor) */
  challenger: Address
  /** who may slash auditor stakes (set once in the staking contract's constructor) */
  slasher: Address
  /** the block of the registry's deployment: where event subscriptions start */
  deployBlock: bigint
  chainId: number
}

/**
 * Deploys CCPRegistry (wired to the AuditorStaking address its next transaction creates), then AuditorStaking.
 * The registry comes first, so a fresh anvil's account 0 puts it at 0x5FbDB2315678afecb367f032d93F642f64180aa3.
 * Challenger and slasher default to the deployer.
 * @example const { registry, staking } = await deployContracts(walletClient, publicClient)
 */
export async function deployContracts(
  walletClient: RegistryWalletClient,
  publicClient: RegistryPublicClient,
  options: { challenger?: Address; slasher?: Address } = {},
): Promise<DeployedContracts> {
  const deployer = walletClient.account.address
  const slasher = options.slasher ?? deployer
  const challenger = options.challenger ?? deployer
  try {
    const nonce = await publicClient.getTransactionCount({ address: deployer, blockTag: 'pending' })
    const predictedStaking = getContractAddress({ from: deployer, nonce: BigInt(nonce + 1) })
    const registryTx = await walletClient.deployContract({ abi: registryAbi, bytecode: ccpRegistryBytecode, args: [predictedStaking, challenger], nonce })
    const stakingTx = await walletClient.deployContract({ abi: stakingAbi, bytecode: auditorStakingBytecode, args: [slasher], nonce: nonce + 1 })
    const registryReceipt = await publicClient.waitForTransactionReceipt({ hash: registryTx })
    const stakingReceipt = await publicClient.waitForTransactionReceipt({ hash: stakingTx })
    if (registryReceipt.status !== 'success' || !registryReceipt.contractAddress) throw new Error('CCPRegistry deployment reverted')
    if (stakingReceipt.status !== 'success' || !stakingReceipt.contractAddress) throw new Error('AuditorStaking deployment reverted')
    const staking = getAddress(stakingReceipt.contractAddress)
    if (staking !== getAddress(predictedStaking)) throw new Error(`AuditorStaking landed at ${staking}, not at the address the registry was wired to (${predictedStaking})`)
    return { registry: getAddress(registryReceipt.contractAddress), staking, challenger, slasher, deployBlock: registryReceipt.blockNumber, chainId: publicClient.chain.id }
  } catch (error) {
    throw registryError(error, 'deploy')
  }
}
