/**
 * Substrate's `Perquintill` (parts per 10^18) with the runtime's exact rounding, on bigint.
 * Each operation is the one sp-arithmetic performs, so a recomputation is exact to the planck.
 * @example perquintillMul(perquintillFromRational(1n, 3n), 10n) // 3n
 */
export type Perquintill = bigint

/** One whole: 10^18 parts. */
export const PERQUINTILL_ONE: Perquintill = 10n ** 18n

/**
 * `Perquintill::from_rational(p, q)`: floor(p × 10^18 / q); one when q is 0 or p > q (sp-arithmetic saturates).
 * @example perquintillFromRational(2n, 3n) // 666666666666666666n
 */
export function perquintillFromRational(p: bigint, q: bigint): Perquintill {
  if (q === 0n || p >= q) return PERQUINTILL_ONE
  return (p * PERQUINTILL_ONE) / q
}

/**
 * `perquintill * n`: the product rounded to the nearest integer, ties rounded down (NearestPrefDown).
 * @example perquintillMul(PERQUINTILL_ONE / 2n, 3n) // 1n (1.5 rounds down on a tie)
 */
export function perquintillMul(share: Perquintill, n: bigint): bigint {
  const product = share * n
  const whole = product / PERQUINTILL_ONE
  const rest = product % PERQUINTILL_ONE
  return rest * 2n > PERQUINTILL_ONE ? whole + 1n : whole
}

/**
 * `a + b` on Perquintill: saturates at one.
 * @example perquintillAdd(PERQUINTILL_ONE, 1n) // PERQUINTILL_ONE
 */
export function perquintillAdd(a: Perquintill, b: Perquintill): Perquintill {
  const sum = a + b
  return sum > PERQUINTILL_ONE ? PERQUINTILL_ONE : sum
}

/**
 * `left_from_one()`: one minus the share.
 * @example perquintillLeftFromOne(PERQUINTILL_ONE / 4n) // 750000000000000000n
 */
export function perquintillLeftFromOne(share: Perquintill): Perquintill {
  return share >= PERQUINTILL_ONE ? 0n : PERQUINTILL_ONE - share
}

/**
 * A Perquintill as an exact decimal fraction for people: `0.05` for 5 × 10^16 parts.
 * @example formatPerquintill(50000000000000000n) // '0.05'
 */
export function formatPerquintill(share: Perquintill): string {
  const whole = share / PERQUINTILL_ONE
  const fraction = (share % PERQUINTILL_ONE).toString().padStart(18, '0').replace(/0+$/, '')
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`
}
