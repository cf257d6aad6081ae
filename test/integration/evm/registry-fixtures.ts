import { keccak256, toHex, zeroAddress, type Hex, type LocalAccount } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { attestScopeHash } from '../../../src/crypto/eip712.ts'
import type { UnsignedPublishParams } from '../../../src/certificate/onchain.ts'
import { signAttestation } from '../../../adapters/evm/actions/sign-typed.ts'
import { signPublishParams, submitPublish, type SignedPublish } from '../../../adapters/evm/actions/submit-publish.ts'
import { stakeAuditor } from '../../../adapters/evm/actions/stake-auditor.ts'
import type { Devnet } from '../../support/anvil.ts'

export const DAY = 86_400
/** Deterministic extra signers (agents need no ether: the operator sends the transaction). */
export function fixedAccount(label: string): LocalAccount {
  return privateKeyToAccount(keccak256(toHex(`ccp-bridge test key ${label}`)))
}
export function certHashOf(label: string): Hex {
  return keccak256(toHex(`ccp-bridge test certificate ${label}`))
}

export type AttestationSpec = { auditor: number; scope: string; stake: bigint; staked?: bigint }

/** Unsigned params for a certificate issued a minute ago, valid `days` days. */
export async function paramsFor(devnet: Devnet, spec: { label: string; agent: LocalAccount; certificateClass: number; days: number; bound?: bigint; attestations?: AttestationSpec[] }): Promise<UnsignedPublishParams> {
  const now = await devnet.now()
  const issuedAt = now - 60
  return {
    certHash: certHashOf(spec.label),
    agent: spec.agent.address,
    certificateClass: spec.certificateClass,
    issuedAt,
    expiresAt: issuedAt + Math.round(spec.days * DAY),
    containmentBound: spec.bound ?? 50_000n,
    reserveVault: '0xb2fFaf44Ae415b0e1dFc99c8E07dfDE2a5369Aa6',
    spendingLimit: zeroAddress,
    ipfsUri: `ipfs://bafkreitest${spec.label.replace(/[^a-z0-9]/g, '')}`,
    attestations: (spec.attestations ?? []).map((a) => ({ auditor: devnet.account(a.auditor).address, scope: attestScopeHash(a.scope), stake: a.stake })),
  }
}

/** Stakes (as specified) and signs each attestation with its auditor's key. */
export async function attest(devnet: Devnet, params: UnsignedPublishParams, specs: AttestationSpec[]): Promise<Hex[]> {
  const { registry, staking } = devnet.contracts
  const sigs: Hex[] = []
  for (const [i, spec] of specs.entries()) {
    const staked = spec.staked ?? spec.stake
    if (staked > 0n) await stakeAuditor(devnet.wallet(spec.auditor), devnet.connection.publicClient, staking, params.certHash, staked)
    sigs.push(await signAttestation(devnet.account(spec.auditor), { chainId: devnet.connection.chainId, registry, message: { certHash: params.certHash, ...params.attestations[i]! } }))
  }
  return sigs
}

/** Signs (operator = dev account `operator`, agent) and publishes. */
export async function signAndPublish(devnet: Devnet, input: { operator: number; agent: LocalAccount; params: UnsignedPublishParams; attestorSigs?: Hex[] }): Promise<{ signed: SignedPublish; receipt: Awaited<ReturnType<typeof submitPublish>> }> {
  const signed = await signPublishParams(devnet.wallet(input.operator), devnet.connection.publicClient, devnet.contracts.registry, {
    params: input.params,
    agent: input.agent,
    attestorSigs: input.attestorSigs ?? [],
  })
  const receipt = await submitPublish(devnet.wallet(input.operator), devnet.connection.publicClient, devnet.contracts.registry, signed)
  return { signed, receipt }
}
