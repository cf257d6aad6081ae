import { keccak256, sha256, toHex, type Hex, type LocalAccount } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { attestScopeHash } from '../../../src/crypto/eip712.ts'
import { attestMessage, requiredReserve, uriFromDigest, type UnsignedPublishParams } from '../../../src/certificate/onchain.ts'
import { signAttestation } from '../../../adapters/evm/actions/sign-typed.ts'
import { signPublishParams, submitPublish, type SignedPublish } from '../../../adapters/evm/actions/submit-publish.ts'
import { bondAuditor, bondOf, stakeAuditor } from '../../../adapters/evm/actions/stake-auditor.ts'
import { fundReserve } from '../../../adapters/evm/actions/reserve.ts'
import type { Devnet } from '../../support/anvil.ts'

export const DAY = 86_400
export const USDC = 1_000_000n
const CLASSES = ['NONE', 'C1', 'C2', 'C3'] as const

/** Deterministic extra signers (agents need no ether: the operator sends the transaction). */
export function fixedAccount(label: string): LocalAccount {
  return privateKeyToAccount(keccak256(toHex(`ccp-bridge test key ${label}`)))
}
export function certHashOf(label: string): Hex {
  return keccak256(toHex(`ccp-bridge test certificate ${label}`))
}

export type AttestationSpec = { auditor: number; scope: string; stake: bigint; staked?: bigint }

/** Unsigned params for a certificate issued a minute ago, valid `days` days, its reserve in the devnet's vault. */
export async function paramsFor(devnet: Devnet, spec: { label: string; agent: LocalAccount; certificateClass: number; days: number; bound?: bigint; attestations?: AttestationSpec[] }): Promise<UnsignedPublishParams> {
  const now = await devnet.now()
  const issuedAt = now - 60
  return {
    certHash: certHashOf(spec.label),
    agent: spec.agent.address,
    certificateClass: spec.certificateClass,
    issuedAt,
    expiresAt: issuedAt + Math.round(spec.days * DAY),
    containmentBound: spec.bound ?? 5_000n,
    reserveVault: devnet.contracts.vault,
    spendingLimit: '0x530ecF8Afddb752748aCE1Ece90e34FD1ca7eE6C',
    uriDigest: sha256(toHex(`ccp-bridge test document ${spec.label}`)),
    attestations: (spec.attestations ?? []).map((a) => ({ auditor: devnet.account(a.auditor).address, scope: attestScopeHash(a.scope), stake: a.stake })),
  }
}

/** The URI the registry rebuilds for the params' digest. */
export function uriOf(params: UnsignedPublishParams): string {
  return uriFromDigest(params.uriDigest)
}

/** The operator (dev account `operator`) deposits the reserve the params' class needs (or `amount`). */
export async function fund(devnet: Devnet, operator: number, params: UnsignedPublishParams, amount?: bigint): Promise<void> {
  const klass = CLASSES[params.certificateClass] as 'C1' | 'C2' | 'C3'
  await fundReserve(devnet.wallet(operator), devnet.connection.publicClient, devnet.contracts.vault, {
    certHash: params.certHash,
    token: devnet.contracts.stakeToken,
    amount: amount ?? requiredReserve(klass, params.containmentBound, 6),
  })
}

/** Bonds each auditor (once, 10,000 USDC), stakes as specified, and signs each attestation for `operator`'s publish. */
export async function attest(devnet: Devnet, params: UnsignedPublishParams, specs: AttestationSpec[], operator = 1): Promise<Hex[]> {
  const { staking, stakeToken, registry } = devnet.contracts
  const client = devnet.connection.publicClient
  const sigs: Hex[] = []
  for (const [i, spec] of specs.entries()) {
    const bond = await bondOf(client, staking, devnet.account(spec.auditor).address)
    if (bond.free < 10_000n * USDC) await bondAuditor(devnet.wallet(spec.auditor), client, { staking, stakeToken }, 10_000n * USDC)
    const staked = spec.staked ?? spec.stake
    if (staked > 0n) await stakeAuditor(devnet.wallet(spec.auditor), client, staking, params.certHash, staked)
    sigs.push(await signAttestation(devnet.account(spec.auditor), { chainId: devnet.connection.chainId, registry, message: attestMessage(params, devnet.account(operator).address, i) }))
  }
  return sigs
}

/** Signs (the agent co-signs for dev account `operator`) and publishes. */
export async function signAndPublish(devnet: Devnet, input: { operator: number; agent: LocalAccount; params: UnsignedPublishParams; attestorSigs?: Hex[] }): Promise<{ signed: SignedPublish; receipt: Awaited<ReturnType<typeof submitPublish>> }> {
  const signed = await signPublishParams(devnet.wallet(input.operator), devnet.connection.publicClient, devnet.contracts.registry, {
    params: input.params,
    agent: input.agent,
    attestorSigs: input.attestorSigs ?? [],
  })
  const receipt = await submitPublish(devnet.wallet(input.operator), devnet.connection.publicClient, devnet.contracts.registry, signed)
  return { signed, receipt }
}

/** Funds, attests and publishes in one go: a complete anchored certificate. */
export async function anchor(devnet: Devnet, spec: { label: string; agent: LocalAccount; certificateClass: number; days: number; bound?: bigint; attestations?: AttestationSpec[]; operator?: number }): Promise<UnsignedPublishParams> {
  const operator = spec.operator ?? 1
  const params = await paramsFor(devnet, spec)
  await fund(devnet, operator, params)
  const attestorSigs = await attest(devnet, params, spec.attestations ?? [], operator)
  await signAndPublish(devnet, { operator, agent: spec.agent, params, attestorSigs })
  return params
}
