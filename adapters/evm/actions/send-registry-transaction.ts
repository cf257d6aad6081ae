import type { Address, Hash, TransactionReceipt } from 'viem'
import { BridgeError } from '../../../src/errors.ts'
import type { RegistryPublicClient, RegistryWalletClient } from '../clients.ts'
import { registryAbi } from '../registry-abi.ts'
import { registryError } from '../registry-errors.ts'

type RegistryWrite =
  | { functionName: 'publish'; args: readonly [unknown, `0x${string}`, readonly `0x${string}`[]] }
  | { functionName: 'revoke' | 'expire' | 'challenge'; args: readonly [Hash] }
  | { functionName: 'resolveChallenge'; args: readonly [Hash, boolean] }

/**
 * Simulates a registry call (so a refusal comes back as its custom error), sends it, and waits for a successful receipt.
 * @example const receipt = await sendRegistryTransaction(wallet, client, registry, { functionName: 'revoke', args: [certHash] }, 'revoke')
 */
export async function sendRegistryTransaction(
  walletClient: RegistryWalletClient,
  publicClient: RegistryPublicClient,
  registry: Address,
  call: RegistryWrite,
  action: string,
): Promise<TransactionReceipt> {
  try {
    const { request } = await publicClient.simulateContract({
      address: registry,
      abi: registryAbi,
      account: walletClient.account,
      ...(call as { functionName: 'revoke'; args: readonly [Hash] }),
    })
    const hash = await walletClient.writeContract(request)
    const receipt = await publicClient.waitForTransactionReceipt({ hash })
    if (receipt.status !== 'success') throw new BridgeError('TX_REVERTED', `${action}: transaction ${hash} reverted`, { kind: 'check' })
    return receipt
  } catch (error) {
    throw registryError(error, action)
  }
}
