import { certificateHash } from '../certificate/hash.ts'
import { formatUnits, parseUnits, requiredReserve, toPublishParams } from '../certificate/onchain.ts'
import { BridgeError } from '../errors.ts'
import type { Hex, Registry, ReserveState, TokenInfo, TypedDataSigner } from '../ports.ts'
import type { Certificate } from '../schema/certificate.ts'

export type ReserveView = ReserveState & {
  certHash: Hex
  operator: Hex
  /** what the certificate's class requires for its bound, and what it declares (smallest unit) */
  required: bigint
  declared: bigint
  /** anchored: locked until settlement, which may come at `graceEndsAt`; settled: released */
  anchored: boolean
  settled: boolean
  graceEndsAt: number | null
}

/**
 * Stage 2: the operator deposits the certificate's reserve in the vault, in the exogenous token named by its
 * denomination: by default what the certificate declares (at least what its class requires) minus what is already there.
 * @example const view = await fundReserve({ certificate, registry, operator })
 */
export async function fundReserve(input: { certificate: Certificate; registry: Registry; operator: TypedDataSigner; amount?: string }): Promise<ReserveView & { fundedNow: bigint; txHash?: Hex }> {
  const { certificate, registry } = input
  if (certificate.identity.operator_id.toLowerCase() !== input.operator.address.toLowerCase()) {
    throw new BridgeError('OPERATOR_MISMATCH', `the operator key is ${input.operator.address}, the certificate's operator ${certificate.identity.operator_id}`, { path: '$.identity.operator_id' })
  }
  const token = await reserveToken(certificate, registry)
  const before = await reserveStatus({ certificate, registry, operator: input.operator.address })
  const target = before.declared > before.required ? before.declared : before.required
  const amount = input.amount !== undefined ? parseUnits(input.amount, token.decimals, '--amount') : target > before.backing ? target - before.backing : 0n
  if (amount === 0n) return { ...before, fundedNow: 0n }
  const txHash = await registry.fundReserve(input.operator, before.certHash, token.token, amount)
  return { ...(await reserveStatus({ certificate, registry, operator: input.operator.address })), fundedNow: amount, txHash }
}

/**
 * The certificate's reserve in the vault against what it declares and what its class requires, and whether it is locked.
 * @example const { backing, required, anchored } = await reserveStatus({ certificate, registry, operator })
 */
export async function reserveStatus(input: { certificate: Certificate; registry: Registry; operator: Hex }): Promise<ReserveView> {
  const { certificate, registry } = input
  const certHash = certificateHash(certificate)
  const token = await reserveToken(certificate, registry)
  const state = await registry.reserveOf(certHash, input.operator)
  const params = toPublishParams(certificate, { certHash, ipfsUri: null })
  const required = requiredReserve(certificate.derived_metrics.certificate_class, params.containmentBound, token.decimals)
  const declared = parseUnits(certificate.reserve.amount, token.decimals, '$.reserve.amount')
  const lifecycle = await registry.lifecycle(certHash)
  const record = lifecycle ? await registry.getCertificate(certHash) : undefined
  return {
    ...state,
    ...(state.token === null ? { token: null, symbol: token.symbol, decimals: token.decimals } : {}),
    certHash,
    operator: input.operator,
    required,
    declared,
    anchored: record !== undefined && record.operator.toLowerCase() === input.operator.toLowerCase(),
    settled: lifecycle?.settled ?? false,
    graceEndsAt: lifecycle?.graceEndsAt ?? null,
  }
}

/** The exogenous token whose symbol is the certificate's reserve denomination. */
async function reserveToken(certificate: Certificate, registry: Registry): Promise<TokenInfo> {
  const listed = await registry.exogenousTokens()
  const token = listed.find((t) => t.symbol === certificate.reserve.denomination)
  if (!token) {
    throw new BridgeError('RESERVE_TOKEN_UNLISTED', `the deployment lists no exogenous ${certificate.reserve.denomination} token`, {
      kind: 'check',
      path: '$.reserve.denomination',
      details: `exogenous tokens: ${listed.map((t) => `${t.symbol} ${t.token}`).join(', ') || 'none'}`,
    })
  }
  return token
}

/**
 * "15000 USDC" for a reserve amount.
 * @example describeAmount(15_000_000_000n, { symbol: 'USDC', decimals: 6 }) // '15000 USDC'
 */
export function describeAmount(amount: bigint, token: { symbol: string | null; decimals: number }): string {
  return `${formatUnits(amount, token.decimals)} ${token.symbol ?? ''}`.trimEnd()
}

