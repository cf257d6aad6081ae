import type { Address, Hash, TransactionReceipt } from 'viem'
import type { RegistryPublicClient, RegistryWalletClient } from '../clients.ts'
import { sendRegistryTransaction } from './send-registry-transaction.ts'

/**
 * Puts a certificate under challenge (the wallet must be the registry's challenger): ACTIVE → CHALLENGED.
 * @example await challengeCertificate(challengerWallet, publicClient, registry, certHash)
 */
export function challengeCertificate(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, registry: Address, certHash: Hash): Promise<TransactionReceipt> {
  return sendRegistryTransaction(walletClient, publicClient, registry, { functionName: 'challenge', args: [certHash] }, 'challenge')
}

/**
 * Resolves a challenge: upheld → REVOKED, dismissed → ACTIVE (challenger only).
 * @example await resolveChallenge(challengerWallet, publicClient, registry, certHash, true)
 */
export function resolveChallenge(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, registry: Address, certHash: Hash, upheld: boolean): Promise<TransactionReceipt> {
  return sendRegistryTransaction(walletClient, publicClient, registry, { functionName: 'resolveChallenge', args: [certHash, upheld] }, 'resolve challenge')
}
