import type { Address, TransactionReceipt } from 'viem'
import type { RegistryPublicClient, RegistryWalletClient } from '../clients.ts'
import { tokenAbi } from '../registry-abi.ts'
import { sendContractTransaction } from './send-contract-transaction.ts'

/**
 * Lets `spender` take `amount` of the wallet's `token` (ERC-20 approve), unless the allowance already covers it.
 * Returns the receipt, or null when nothing was sent.
 * @example await approveToken(operatorWallet, client, usdc, vault, 15_000_000_000n)
 */
export async function approveToken(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, token: Address, spender: Address, amount: bigint): Promise<TransactionReceipt | null> {
  const allowance = await publicClient.readContract({ address: token, abi: tokenAbi, functionName: 'allowance', args: [walletClient.account.address, spender] })
  if (allowance >= amount) return null
  return sendContractTransaction(walletClient, publicClient, { address: token, abi: tokenAbi, functionName: 'approve', args: [spender, amount] }, 'approve the token')
}
