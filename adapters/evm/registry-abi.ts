import { auditorStakingAbi } from './artifacts/AuditorStaking.ts'
import { ccpRegistryAbi } from './artifacts/CCPRegistry.ts'
import type { RegistryClass, RegistryStatus } from '../../src/ports.ts'

export type { RegistryClass, RegistryStatus }

/**
 * The registry and staking ABIs under readable names, and the on-chain enums as TypeScript values.
 * @example publicClient.readContract({ address, abi: registryAbi, functionName: 'isValid', args: [certHash] })
 */
export const registryAbi = ccpRegistryAbi
export const stakingAbi = auditorStakingAbi

/** `ICCPRegistry.Status` in declaration order. */
export const STATUS_NAMES = ['ACTIVE', 'REVOKED', 'EXPIRED', 'CHALLENGED'] as const satisfies readonly RegistryStatus[]
/** `ICCPRegistry.CertificateClass` in declaration order. */
export const CLASS_NAMES = ['NONE', 'C1', 'C2', 'C3'] as const satisfies readonly RegistryClass[]

/** The status name of an on-chain enum value. @example statusName(1) // 'REVOKED' */
export function statusName(value: number): RegistryStatus {
  const name = STATUS_NAMES[value]
  if (!name) throw new RangeError(`unknown Status ${value}`)
  return name
}

/** The class name of an on-chain enum value. @example className(2) // 'C2' */
export function className(value: number): RegistryClass {
  const name = CLASS_NAMES[value]
  if (!name) throw new RangeError(`unknown CertificateClass ${value}`)
  return name
}
