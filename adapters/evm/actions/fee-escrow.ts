import { parseEventLogs, type Address, type Hash, type TransactionReceipt } from 'viem'
import { certKey } from '../../../src/certificate/onchain.ts'
import type { FeeRequestState } from '../../../src/ports.ts'
import { BridgeError } from '../../../src/errors.ts'
import type { RegistryPublicClient, RegistryWalletClient } from '../clients.ts'
import { escrowAbi, FEE_STATES } from '../registry-abi.ts'
import { registryError } from '../registry-errors.ts'
import { approveToken } from './approve-token.ts'
import { sendContractTransaction } from './send-contract-transaction.ts'

/** An audit request in FeeEscrow (the port's FeeRequestState). */
export type FeeRequest = FeeRequestState

/**
 * Stage 3: escrows `amount` of `token` (an exogenous token) as the fee of an audit by `auditor`; returns the request id.
 * @example const { requestId } = await requestAudit(operatorWallet, client, escrow, { auditor, token: usdc, amount: 500_000_000n })
 */
export async function requestAudit(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, escrow: Address, request: { auditor: Address; token: Address; amount: bigint }): Promise<{ requestId: Hash; receipt: TransactionReceipt }> {
  await approveToken(walletClient, publicClient, request.token, escrow, request.amount)
  const receipt = await sendContractTransaction(walletClient, publicClient, { address: escrow, abi: escrowAbi, functionName: 'requestAudit', args: [request.auditor, request.token, request.amount] }, 'request the audit')
  const [event] = parseEventLogs({ abi: escrowAbi, logs: receipt.logs, eventName: 'AuditRequested' })
  if (!event) throw new BridgeError('ESCROW_NO_REQUEST', `the escrow emitted no AuditRequested in transaction ${receipt.transactionHash}`, { kind: 'check' })
  return { requestId: event.args.requestId, receipt }
}

/**
 * The auditor accepts a request for the certificate it attests.
 * @example await acceptAudit(auditorWallet, client, escrow, requestId, certHash)
 */
export function acceptAudit(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, escrow: Address, requestId: Hash, certHash: Hash): Promise<TransactionReceipt> {
  return sendContractTransaction(walletClient, publicClient, { address: escrow, abi: escrowAbi, functionName: 'accept', args: [requestId, certKey(certHash)] }, 'accept the audit request')
}

/**
 * The operator takes back a fee the auditor has not accepted (`cancel`), or one whose certificate will never pay it (`reclaim`).
 * @example await recoverFee(operatorWallet, client, escrow, { requestId, certHash })
 */
export function recoverFee(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, escrow: Address, fee: { requestId: Hash; certHash?: Hash }): Promise<TransactionReceipt> {
  const call = fee.certHash === undefined ? { functionName: 'cancel', args: [fee.requestId] } : { functionName: 'reclaim', args: [fee.requestId, fee.certHash] }
  return sendContractTransaction(walletClient, publicClient, { address: escrow, abi: escrowAbi, ...call }, fee.certHash === undefined ? 'cancel the audit request' : 'reclaim the fee')
}

/**
 * A request by id (null when unknown).
 * @example const request = await readFeeRequest(client, escrow, requestId)
 */
export async function readFeeRequest(publicClient: RegistryPublicClient, escrow: Address, requestId: Hash): Promise<FeeRequest | null> {
  try {
    const r = await publicClient.readContract({ address: escrow, abi: escrowAbi, functionName: 'getRequest', args: [requestId] })
    if (r.state === 0) return null
    return { requestId, operator: r.operator, auditor: r.auditor, token: r.token, amount: r.amount, state: FEE_STATES[r.state] as FeeRequestState['state'], acceptedAt: Number(r.acceptedAt), certKey: r.certKey }
  } catch (error) {
    throw registryError(error, 'read the audit request')
  }
}

/**
 * The request `auditor` accepted for `certHash`, or null.
 * @example await acceptedFee(client, escrow, certHash, auditor)
 */
export async function acceptedFee(publicClient: RegistryPublicClient, escrow: Address, certHash: Hash, auditor: Address): Promise<FeeRequest | null> {
  try {
    const id = await publicClient.readContract({ address: escrow, abi: escrowAbi, functionName: 'acceptedRequest', args: [certHash, auditor] })
    return /^0x0+$/.test(id) ? null : readFeeRequest(publicClient, escrow, id)
  } catch (error) {
    throw registryError(error, 'read the accepted fee')
  }
}
