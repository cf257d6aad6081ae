import type { Abi, Address, TransactionReceipt } from 'viem'
import { BridgeError } from '../../../src/errors.ts'
import type { RegistryPublicClient, RegistryWalletClient } from '../clients.ts'
import { lifecycleErrorsAbi } from '../registry-abi.ts'
import { registryError } from '../registry-errors.ts'

/** One write: the contract, its ABI, the function and its arguments. */
export type ContractWrite = { address: Address; abi: Abi; functionName: string; args: readonly unknown[] }

/**
 * Simulates a call (so a refusal comes back as its custom error, decoded with every lifecycle contract's errors), sends
 * it from the wallet, and waits for a successful receipt. `action` names the step in error messages.
 * @example await sendContractTransaction(wallet, client, { address: vault, abi: vaultAbi, functionName: 'withdraw', args: [certHash] }, 'withdraw the reserve')
 */
export async function sendContractTransaction(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, call: ContractWrite, action: string): Promise<TransactionReceipt> {
  const abi = [...call.abi, ...lifecycleErrorsAbi.filter((e) => !call.abi.some((x) => x.type === 'error' && e.type === 'error' && x.name === e.name))]
  try {
    const { request } = await publicClient.simulateContract({ address: call.address, abi, functionName: call.functionName, args: call.args, account: walletClient.account } as never)
    const hash = await walletClient.writeContract(request as never)
    const receipt = await publicClient.waitForTransactionReceipt({ hash })
    if (receipt.status !== 'success') throw new BridgeError('TX_REVERTED', `${action}: transaction ${hash} reverted`, { kind: 'check' })
    return receipt
  } catch (error) {
    throw registryError(error, action)
  }
}
