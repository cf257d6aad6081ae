import { parseUnits } from '../certificate/onchain.ts'
import { BridgeError } from '../errors.ts'
import type { Address, FeeRequestState, Hex, LifecycleContracts, TokenInfo, TypedDataSigner } from '../ports.ts'

/**
 * Stage 3: the operator escrows the audit fee for an audit by `auditor`, in an exogenous token (by symbol, default the
 * first listed). Returns the request the auditor accepts when it attests.
 * @example const { request } = await requestAudit({ lifecycle, operator, auditor, fee: '500', token: 'USDC' })
 */
export async function requestAudit(input: { lifecycle: LifecycleContracts; operator: TypedDataSigner; auditor: Address; fee: string; token?: string }): Promise<{ request: FeeRequestState; token: TokenInfo; txHash: Hex }> {
  const { exogenousTokens } = await input.lifecycle.deployment()
  const token = input.token === undefined ? exogenousTokens[0] : exogenousTokens.find((t) => t.symbol === input.token || t.token.toLowerCase() === input.token!.toLowerCase())
  if (!token) {
    throw new BridgeError('FEE_TOKEN_UNLISTED', `the deployment lists no exogenous token ${input.token ?? ''}`.trimEnd(), { details: `fees are paid in: ${exogenousTokens.map((t) => t.symbol).join(', ') || 'none'}` })
  }
  if (input.auditor.toLowerCase() === input.operator.address.toLowerCase()) throw new BridgeError('AUDITOR_NOT_INDEPENDENT', 'the auditor must not be the operator')
  const amount = parseUnits(input.fee, token.decimals, '--fee')
  if (amount === 0n) throw new BridgeError('BAD_AMOUNT', '--fee must be more than 0')
  const { requestId, txHash } = await input.lifecycle.requestAudit(input.operator, input.auditor, token.token, amount)
  const request = await input.lifecycle.feeRequest(requestId)
  if (!request) throw new BridgeError('FEE_REQUEST_NOT_FOUND', `the escrow holds no request ${requestId} after the transaction`, { kind: 'io' })
  return { request, token, txHash }
}
