import type { Address, Hash, TransactionReceipt } from 'viem'
import { BridgeError } from '../../../src/errors.ts'
import type { RegistryPublicClient, RegistryWalletClient } from '../clients.ts'
import { stakingAbi } from '../registry-abi.ts'
import { registryError } from '../registry-errors.ts'

/**
 * Locks `amount` wei as the wallet's (the auditor's) stake for `certHash` in AuditorStaking (lifecycle stage 5).
 * @example await stakeAuditor(auditorWallet, publicClient, staking, certHash, 1500n)
 */
export async function stakeAuditor(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, staking: Address, certHash: Hash, amount: bigint): Promise<TransactionReceipt> {
  try {
    const { request } = await publicClient.simulateContract({ address: staking, abi: stakingAbi, account: walletClient.account, functionName: 'stake', args: [certHash], value: amount })
    const hash = await walletClient.writeContract(request)
    const receipt = await publicClient.waitForTransactionReceipt({ hash })
    if (receipt.status !== 'success') throw new BridgeError('TX_REVERTED', `stake: transaction ${hash} reverted`, { kind: 'check' })
    return receipt
  } catch (error) {
    throw registryError(error, 'stake')
  }
}

/**
 * The stake an auditor locked for a certificate (wei).
 * @example await stakeOf(publicClient, staking, auditor, certHash) // 1500n
 */
export async function stakeOf(publicClient: RegistryPublicClient, staking: Address, auditor: Address, certHash: Hash): Promise<bigint> {
  try {
    return await publicClient.readContract({ address: staking, abi: stakingAbi, functionName: 'stakeOf', args: [auditor, certHash] })
  } catch (error) {
    throw registryError(error, 'stakeOf')
  }
}
