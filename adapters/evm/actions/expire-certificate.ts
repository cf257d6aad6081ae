import type { Address, Hash, TransactionReceipt } from 'viem'
import type { RegistryPublicClient, RegistryWalletClient } from '../clients.ts'
import { sendRegistryTransaction } from './send-registry-transaction.ts'

/**
 * Records EXPIRED for a certificate past its expiry (anyone may send it).
 * @example await expireCertificate(anyWallet, publicClient, registry, certHash)
 */
export function expireCertificate(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, registry: Address, certHash: Hash): Promise<TransactionReceipt> {
  return sendRegistryTransaction(walletClient, publicClient, registry, { functionName: 'expire', args: [certHash] }, 'expire')
}
