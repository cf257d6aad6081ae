import { zeroHash, type Address, type Hash } from 'viem'
import type { RegistryPublicClient } from '../clients.ts'
import type { LifecycleState, RegistryRecord } from '../../../src/ports.ts'
import { CLASS_NAMES, className, registryAbi, statusName, type RegistryClass, type RegistryStatus } from '../registry-abi.ts'
import { RegistryRevertError, registryError } from '../registry-errors.ts'

/**
 * The port's `RegistryRecord` (enums by name; `status` as of the latest block: a stored ACTIVE past expiresAt reads
 * EXPIRED) plus the status the registry stored.
 */
export type CertificateRecord = RegistryRecord & {
  /** the stored status */
  storedStatus: RegistryStatus
}

/**
 * Reads `getCertificate` and `statusOf`; an unknown certHash gives `null`.
 * @example const record = await getCertificateRecord(publicClient, registry, certHash)
 */
export async function getCertificateRecord(publicClient: RegistryPublicClient, registry: Address, certHash: Hash): Promise<CertificateRecord | null> {
  try {
    const [raw, status] = await Promise.all([
      publicClient.readContract({ address: registry, abi: registryAbi, functionName: 'getCertificate', args: [certHash] }),
      publicClient.readContract({ address: registry, abi: registryAbi, functionName: 'statusOf', args: [certHash] }),
    ])
    return {
      certHash,
      operator: raw.operator,
      agent: raw.agent,
      certificateClass: className(raw.certificateClass),
      issuedAt: raw.issuedAt,
      expiresAt: raw.expiresAt,
      storedStatus: statusName(raw.status),
      status: statusName(status),
      containmentBound: raw.containmentBound,
      reserveVault: raw.reserveVault,
      spendingLimit: raw.spendingLimit,
      ipfsUri: raw.ipfsUri,
      auditors: [...raw.auditors],
    }
  } catch (error) {
    const failure = registryError(error, 'getCertificate')
    if (failure instanceof RegistryRevertError && failure.revert === 'CertificateNotFound') return null
    throw failure
  }
}

/**
 * The agent's valid certificate hash, or `null` (none, revoked, expired or challenged).
 * @example const certHash = await getActiveCertificate(publicClient, registry, agent)
 */
export async function getActiveCertificate(publicClient: RegistryPublicClient, registry: Address, agent: Address): Promise<Hash | null> {
  try {
    const hash = await publicClient.readContract({ address: registry, abi: registryAbi, functionName: 'getActiveCertificate', args: [agent] })
    return hash === zeroHash ? null : hash
  } catch (error) {
    throw registryError(error, 'getActiveCertificate')
  }
}

/**
 * `isValid(certHash)`: ACTIVE and not past its expiry as of the latest block.
 * @example if (await isCertificateValid(publicClient, registry, certHash)) …
 */
export async function isCertificateValid(publicClient: RegistryPublicClient, registry: Address, certHash: Hash): Promise<boolean> {
  try {
    return await publicClient.readContract({ address: registry, abi: registryAbi, functionName: 'isValid', args: [certHash] })
  } catch (error) {
    throw registryError(error, 'isValid')
  }
}

/**
 * The registry's one-call counterparty check: the agent's valid certificate meets `minClass` and its bound ≤ `maxAcceptableLoss`.
 * @example const { acceptable, certHash } = await verifyOnChain(publicClient, registry, { agent, minClass: 'C2', maxAcceptableLoss: 100000n })
 */
export async function verifyOnChain(
  publicClient: RegistryPublicClient,
  registry: Address,
  query: { agent: Address; minClass: RegistryClass; maxAcceptableLoss: bigint },
): Promise<{ acceptable: boolean; certHash: Hash | null }> {
  try {
    const [acceptable, certHash] = await publicClient.readContract({
      address: registry,
      abi: registryAbi,
      functionName: 'verify',
      args: [query.agent, CLASS_NAMES.indexOf(query.minClass), query.maxAcceptableLoss],
    })
    return { acceptable, certHash: certHash === zeroHash ? null : certHash }
  } catch (error) {
    throw registryError(error, 'verify')
  }
}

/** Termination, grace, challenge and settlement facts of a certificate (the port's LifecycleState). */
export type LifecycleRecord = LifecycleState

/**
 * `lifecycleOf(certHash)`; null for an unknown certHash.
 * @example const { graceEndsAt, settled } = (await getLifecycle(client, registry, certHash))!
 */
export async function getLifecycle(publicClient: RegistryPublicClient, registry: Address, certHash: Hash): Promise<LifecycleRecord | null> {
  try {
    const l = await publicClient.readContract({ address: registry, abi: registryAbi, functionName: 'lifecycleOf', args: [certHash] })
    return {
      status: statusName(l.status),
      terminatedAt: l.terminatedAt === 0 ? null : Number(l.terminatedAt),
      graceEndsAt: l.graceEndsAt === 0 ? null : Number(l.graceEndsAt),
      settled: l.settled,
      challengeOpen: l.challengeOpen,
      challengeUpheld: l.challengeUpheld,
    }
  } catch (error) {
    const failure = registryError(error, 'lifecycleOf')
    if (failure instanceof RegistryRevertError && failure.revert === 'CertificateNotFound') return null
    throw failure
  }
}
