import { BridgeError } from '../errors.ts'
import type { CertificateClass } from '../schema/certificate.ts'

/**
 * The class table of seed 003: maximum validity, minimum reserve ratio, attestation needs, and the on-chain enum.
 * @example CLASS_MAX_VALIDITY_DAYS.C2 // 60
 */
export const CLASS_MAX_VALIDITY_DAYS: Readonly<Record<CertificateClass, number>> = { C1: 90, C2: 60, C3: 30 }

/** Minimum reserve ÷ containment bound, as whole multiples (bigint, compared exactly against rationals). */
export const CLASS_MIN_RESERVE_RATIO: Readonly<Record<CertificateClass, bigint>> = { C1: 1n, C2: 3n, C3: 5n }

/** Classes that need at least one staked attestation (seed 003: "At least one for C2+"). */
export const CLASS_REQUIRES_ATTESTATION: Readonly<Record<CertificateClass, boolean>> = { C1: false, C2: true, C3: true }

/** Classes that need an attestation scoped to composition analysis (seed 004, stage 4). */
export const CLASS_REQUIRES_COMPOSITION_ANALYSIS: Readonly<Record<CertificateClass, boolean>> = { C1: false, C2: false, C3: true }

/** Attestation scopes that cover composition analysis. */
export const COMPOSITION_SCOPES: readonly string[] = ['COMPOSITION_ANALYSIS', 'FULL_STACK_VERIFICATION']

/** Lowest to highest. */
export const CLASSES: readonly CertificateClass[] = ['C1', 'C2', 'C3']

const DAY_MS = 86_400_000

/**
 * The longest validity a class allows, in milliseconds.
 * @example classMaxValidityMs('C3') // 2592000000
 */
export function classMaxValidityMs(certificateClass: CertificateClass): number {
  return CLASS_MAX_VALIDITY_DAYS[certificateClass] * DAY_MS
}

/**
 * The registry's `CertificateClass` enum value: NONE=0, C1=1, C2=2, C3=3.
 * @example classToNumber('C2') // 2
 */
export function classToNumber(certificateClass: CertificateClass | 'NONE'): 0 | 1 | 2 | 3 {
  return certificateClass === 'NONE' ? 0 : certificateClass === 'C1' ? 1 : certificateClass === 'C2' ? 2 : 3
}

/**
 * The class of a registry enum value; anything but 0–3 is an error.
 * @example numberToClass(3) // 'C3'
 */
export function numberToClass(value: number | bigint): CertificateClass | 'NONE' {
  const n = Number(value)
  if (n === 0) return 'NONE'
  if (n === 1) return 'C1'
  if (n === 2) return 'C2'
  if (n === 3) return 'C3'
  throw new BridgeError('CLASS_UNKNOWN', `unknown certificate class number ${String(value)}, expected 0 (NONE) to 3 (C3)`)
}
