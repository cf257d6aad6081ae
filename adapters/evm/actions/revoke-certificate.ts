import type { Address, Hash, TransactionReceipt } from 'viem'
import type { RegistryPublicClient, RegistryWalletClient } from '../clients.ts'
import { sendRegistryTransaction } from './send-registry-transaction.ts'

/**
 * Revokes a certificate (the wallet must be its operator): REVOKED at once and for good.
 * @example await revokeCertificate(operatorWallet, publicClient, registry, certHash)
 */
export function revokeCertificate(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, registry: Address, certHash: Hash): Promise<TransactionReceipt> {
  return sendRegistryTransaction(walletClient, publicClient, registry, { functionName: 'revoke', args: [certHash] }, 'revoke')
}
