import type { Address, Hash, TransactionReceipt } from 'viem'
import type { RegistryPublicClient, RegistryWalletClient } from '../clients.ts'
import { registryAbi } from '../registry-abi.ts'
import { sendContractTransaction } from './send-contract-transaction.ts'

type RegistryWrite =
  | { functionName: 'publish'; args: readonly [unknown, `0x${string}`, readonly `0x${string}`[]] }
  | { functionName: 'revoke' | 'expire' | 'settle'; args: readonly [Hash] }

/**
 * Simulates a registry call (so a refusal comes back as its custom error), sends it, and waits for a successful receipt.
 * @example const receipt = await sendRegistryTransaction(wallet, client, registry, { functionName: 'revoke', args: [certHash] }, 'revoke')
 */
export function sendRegistryTransaction(
  walletClient: RegistryWalletClient,
  publicClient: RegistryPublicClient,
  registry: Address,
  call: RegistryWrite,
  action: string,
): Promise<TransactionReceipt> {
  return sendContractTransaction(walletClient, publicClient, { address: registry, abi: registryAbi, functionName: call.functionName, args: call.args }, action)
}
