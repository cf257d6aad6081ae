import type { Address, Hash, TransactionReceipt } from 'viem'
import { certKey } from '../../../src/certificate/onchain.ts'
import type { ReserveState } from '../../../src/ports.ts'
import type { RegistryPublicClient, RegistryWalletClient } from '../clients.ts'
import { tokenAbi, vaultAbi } from '../registry-abi.ts'
import { registryError } from '../registry-errors.ts'
import { approveToken } from './approve-token.ts'
import { sendContractTransaction } from './send-contract-transaction.ts'

/** An operator's reserve for a certificate in ReserveVault (the port's ReserveState). */
export type ReserveRecord = ReserveState

/**
 * Deposits `amount` of `token` as the wallet's (the operator's) reserve for `certHash` (approving the vault first when
 * needed). The deposit is filed under keccak256(certHash), so it does not reveal the certHash before it is anchored.
 * @example await fundReserve(operatorWallet, client, vault, { certHash, token: usdc, amount: 15_000_000_000n })
 */
export async function fundReserve(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, vault: Address, deposit: { certHash: Hash; token: Address; amount: bigint }): Promise<TransactionReceipt> {
  await approveToken(walletClient, publicClient, deposit.token, vault, deposit.amount)
  return sendContractTransaction(walletClient, publicClient, { address: vault, abi: vaultAbi, functionName: 'deposit', args: [certKey(deposit.certHash), deposit.token, deposit.amount] }, 'fund the reserve')
}

/**
 * Takes the wallet's reserve for `certHash` back while it is not locked (not anchored, anchored by another operator, or settled).
 * @example await withdrawReserve(operatorWallet, client, vault, certHash)
 */
export function withdrawReserve(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, vault: Address, certHash: Hash): Promise<TransactionReceipt> {
  return sendContractTransaction(walletClient, publicClient, { address: vault, abi: vaultAbi, functionName: 'withdraw', args: [certHash] }, 'withdraw the reserve')
}

/**
 * The operator's reserve for `certHash`, with the token's symbol (null token when nothing was deposited).
 * @example const { deposited, backing, exogenous } = await readReserve(client, vault, certHash, operator)
 */
export async function readReserve(publicClient: RegistryPublicClient, vault: Address, certHash: Hash, operator: Address): Promise<ReserveRecord> {
  try {
    const [token, deposited, backing, decimals, exogenous] = await publicClient.readContract({ address: vault, abi: vaultAbi, functionName: 'reserveOf', args: [certHash, operator] })
    if (token === '0x0000000000000000000000000000000000000000') return { token: null, symbol: null, decimals: 0, deposited: 0n, backing: 0n, exogenous: false }
    const symbol = await publicClient.readContract({ address: token, abi: tokenAbi, functionName: 'symbol' }).catch(() => null)
    return { token, symbol, decimals, deposited, backing, exogenous }
  } catch (error) {
    throw registryError(error, 'read the reserve')
  }
}
