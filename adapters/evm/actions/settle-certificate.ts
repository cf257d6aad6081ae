import type { Address, Hash, TransactionReceipt } from 'viem'
import type { RegistryPublicClient, RegistryWalletClient } from '../clients.ts'
import { sendRegistryTransaction } from './send-registry-transaction.ts'

/**
 * Stage 12: settles a certificate after termination plus grace with no open challenge (anyone may send it, once):
 * stakes back to the auditors' bonds, fees to the auditors, the reserve to the operator.
 * @example await settleCertificate(keeperWallet, client, registry, certHash)
 */
export function settleCertificate(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, registry: Address, certHash: Hash): Promise<TransactionReceipt> {
  return sendRegistryTransaction(walletClient, publicClient, registry, { functionName: 'settle', args: [certHash] }, 'settle')
}
