import type { Abi } from 'viem'
import { auditorStakingAbi } from './artifacts/AuditorStaking.ts'
import { ccpChallengesAbi } from './artifacts/CCPChallenges.ts'
import { ccpRegistryAbi } from './artifacts/CCPRegistry.ts'
import { demoUSDCAbi } from './artifacts/DemoUSDC.ts'
import { feeEscrowAbi } from './artifacts/FeeEscrow.ts'
import { reserveVaultAbi } from './artifacts/ReserveVault.ts'
import type { RegistryClass, RegistryStatus } from '../../src/ports.ts'

export type { RegistryClass, RegistryStatus }

/**
 * The contracts' ABIs under readable names, and the on-chain enums as TypeScript values.
 * @example publicClient.readContract({ address, abi: registryAbi, functionName: 'isValid', args: [certHash] })
 */
export const registryAbi = ccpRegistryAbi
export const stakingAbi = auditorStakingAbi
export const vaultAbi = reserveVaultAbi
export const escrowAbi = feeEscrowAbi
export const challengesAbi = ccpChallengesAbi
/** DemoUSDC's ABI: any ERC-20's `approve`, `balanceOf`, `symbol`, `decimals`, plus the demo issuer's `mint` and `seize`. */
export const tokenAbi = demoUSDCAbi

/**
 * Every custom error of the six contracts: a call into one contract may revert with another's error (the challenge
 * contract bubbles the registry's `ChallengeAlreadyOpen`, the registry the vault's), so writes decode with all of them.
 */
export const lifecycleErrorsAbi: Abi = (() => {
  const seen = new Set<string>()
  const errors: Abi[number][] = []
  for (const abi of [ccpRegistryAbi, auditorStakingAbi, reserveVaultAbi, feeEscrowAbi, ccpChallengesAbi, demoUSDCAbi] as readonly Abi[]) {
    for (const item of abi) {
      if (item.type !== 'error') continue
      const signature = `${item.name}(${item.inputs.map((i) => i.type).join(',')})`
      if (seen.has(signature)) continue
      seen.add(signature)
      errors.push(item)
    }
  }
  return errors
})()

/** `ICCPRegistry.Status` in declaration order. */
export const STATUS_NAMES = ['ACTIVE', 'REVOKED', 'EXPIRED', 'CHALLENGED'] as const satisfies readonly RegistryStatus[]
/** `ICCPRegistry.CertificateClass` in declaration order. */
export const CLASS_NAMES = ['NONE', 'C1', 'C2', 'C3'] as const satisfies readonly RegistryClass[]
/** `CCPChallenges.ChallengeType` in declaration order. */
export const CHALLENGE_TYPES = ['RESERVE_SHORTFALL', 'CONSTRAINT_BYPASS', 'FALSE_INDEPENDENCE', 'INVALID_VERIFICATION', 'SCOPE_NOT_PERFORMED'] as const
/** `CCPChallenges.State` in declaration order. */
export const CHALLENGE_STATES = ['NONE', 'OPEN', 'UPHELD', 'REJECTED'] as const
/** `FeeEscrow.State` in declaration order. */
export const FEE_STATES = ['NONE', 'OPEN', 'ACCEPTED', 'CANCELLED', 'RECLAIMED', 'PAID', 'CLAWED_BACK'] as const

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
