import { requiredReserve } from '../certificate/onchain.ts'
import { BridgeError } from '../errors.ts'
import type { Address, ChallengeState, FeeRequestState, Hex, LifecycleContracts, LifecycleState, Registry, RegistryRecord, ReserveState } from '../ports.ts'

/** One view of a certificate's lifecycle: the record, its state, the money behind it, its challenges and settlement. */
export type LifecycleView = {
  certHash: Hex
  record: RegistryRecord
  lifecycle: LifecycleState
  reserve: ReserveState & { required: bigint }
  auditors: Array<{ auditor: Address; bonded: boolean; staked: bigint; fee: FeeRequestState | null }>
  challenges: ChallengeState[]
  /** seconds of grace the class gives after termination */
  grace: number
}

/**
 * Reads everything the registry and the contracts around it know about one certificate.
 * @example const view = await certificateLifecycle({ registry, certHash })
 */
export async function certificateLifecycle(input: { registry: Registry & LifecycleContracts; certHash: Hex }): Promise<LifecycleView> {
  const { registry, certHash } = input
  const record = await registry.getCertificate(certHash)
  const lifecycle = await registry.lifecycle(certHash)
  if (!record || !lifecycle) throw new BridgeError('CERTIFICATE_NOT_FOUND', `the registry holds no certificate ${certHash}`, { kind: 'check' })
  const klass = record.certificateClass as 'C1' | 'C2' | 'C3'
  const [reserve, deployment, challenges] = await Promise.all([registry.reserveOf(certHash, record.operator), registry.deployment(), registry.challengesOf(certHash)])
  const auditors = await Promise.all(
    record.auditors.map(async (auditor) => {
      const [{ bonded, staked }, fee] = await Promise.all([registry.attestationOf(auditor, certHash), registry.acceptedFee(certHash, auditor)])
      return { auditor, bonded, staked, fee: fee ?? null }
    }),
  )
  return {
    certHash,
    record,
    lifecycle,
    reserve: { ...reserve, required: requiredReserve(klass, record.containmentBound, reserve.decimals) },
    auditors,
    challenges,
    grace: deployment.grace[klass],
  }
}
