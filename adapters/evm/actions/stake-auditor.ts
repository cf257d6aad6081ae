import type { Address, Hash, TransactionReceipt } from 'viem'
import { certKey } from '../../../src/certificate/onchain.ts'
import type { RegistryPublicClient, RegistryWalletClient } from '../clients.ts'
import { stakingAbi } from '../registry-abi.ts'
import { registryError } from '../registry-errors.ts'
import { approveToken } from './approve-token.ts'
import { sendContractTransaction } from './send-contract-transaction.ts'

/** An auditor's bond in AuditorStaking (smallest unit of the stake token). */
export type Bond = { free: bigint; locked: bigint; registered: boolean }

/**
 * Adds `amount` of the stake token to the wallet's (the auditor's) bond, approving it first; reaching the minimum bond
 * registers the auditor.
 * @example await bondAuditor(auditorWallet, client, { staking, stakeToken }, 2_000_000_000n)
 */
export async function bondAuditor(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, contracts: { staking: Address; stakeToken: Address }, amount: bigint): Promise<TransactionReceipt> {
  await approveToken(walletClient, publicClient, contracts.stakeToken, contracts.staking, amount)
  return sendContractTransaction(walletClient, publicClient, { address: contracts.staking, abi: stakingAbi, functionName: 'bond', args: [amount] }, 'bond')
}

/**
 * Locks `amount` of the wallet's free bond as its stake for `certHash` (lifecycle stage 5), filed under keccak256(certHash).
 * @example await stakeAuditor(auditorWallet, client, staking, certHash, 1_500_000_000n)
 */
export function stakeAuditor(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, staking: Address, certHash: Hash, amount: bigint): Promise<TransactionReceipt> {
  return sendContractTransaction(walletClient, publicClient, { address: staking, abi: stakingAbi, functionName: 'stake', args: [certKey(certHash), amount] }, 'stake')
}

/**
 * Takes the wallet's stake for `certHash` back into its bond while it is not locked (not anchored with this auditor, or settled).
 * @example await unstakeAuditor(auditorWallet, client, staking, certHash)
 */
export function unstakeAuditor(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, staking: Address, certHash: Hash): Promise<TransactionReceipt> {
  return sendContractTransaction(walletClient, publicClient, { address: staking, abi: stakingAbi, functionName: 'unstake', args: [certHash] }, 'unstake')
}

/**
 * Withdraws `amount` of the wallet's free bond.
 * @example await unbondAuditor(auditorWallet, client, staking, 500_000_000n)
 */
export function unbondAuditor(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, staking: Address, amount: bigint): Promise<TransactionReceipt> {
  return sendContractTransaction(walletClient, publicClient, { address: staking, abi: stakingAbi, functionName: 'unbond', args: [amount] }, 'unbond')
}

/**
 * The stake an auditor locked for a certificate.
 * @example await stakeOf(publicClient, staking, auditor, certHash) // 1500000000n
 */
export async function stakeOf(publicClient: RegistryPublicClient, staking: Address, auditor: Address, certHash: Hash): Promise<bigint> {
  try {
    return await publicClient.readContract({ address: staking, abi: stakingAbi, functionName: 'stakeOf', args: [auditor, certHash] })
  } catch (error) {
    throw registryError(error, 'stakeOf')
  }
}

/**
 * An auditor's bond: free, locked, registered.
 * @example const { registered } = await bondOf(publicClient, staking, auditor)
 */
export async function bondOf(publicClient: RegistryPublicClient, staking: Address, auditor: Address): Promise<Bond> {
  try {
    const [free, locked, registered] = await publicClient.readContract({ address: staking, abi: stakingAbi, functionName: 'bondOf', args: [auditor] })
    return { free, locked, registered }
  } catch (error) {
    throw registryError(error, 'bondOf')
  }
}
