import { describe, expect, it } from 'vitest'
import { formatPerquintill, PERQUINTILL_ONE, perquintillAdd, perquintillFromRational, perquintillLeftFromOne, perquintillMul } from '../../../src/settlement/perquintill.ts'

describe('Perquintill::from_rational rounds down', () => {
  it('truncates the parts', () => {
    expect(perquintillFromRational(1n, 3n)).toBe(333_333_333_333_333_333n)
    expect(perquintillFromRational(2n, 3n)).toBe(666_666_666_666_666_666n)
    expect(perquintillFromRational(0n, 5n)).toBe(0n)
  })
  it('is one when q is 0 and saturates at one when p ≥ q', () => {
    expect(perquintillFromRational(0n, 0n)).toBe(PERQUINTILL_ONE)
    expect(perquintillFromRational(7n, 0n)).toBe(PERQUINTILL_ONE)
    expect(perquintillFromRational(5n, 5n)).toBe(PERQUINTILL_ONE)
    expect(perquintillFromRational(6n, 5n)).toBe(PERQUINTILL_ONE)
  })
  it('keeps u128-sized ratios exact', () => {
    const max = 2n ** 128n - 1n
    expect(perquintillFromRational(max - 1n, max)).toBe(PERQUINTILL_ONE - 1n)
  })
})

describe('perquintill * n rounds to nearest, ties down', () => {
  const half = PERQUINTILL_ONE / 2n
  it('rounds a tie down at the planck', () => {
    expect(perquintillMul(half, 3n)).toBe(1n) // 1.5 → 1
    expect(perquintillMul(half, 5n)).toBe(2n) // 2.5 → 2
    expect(perquintillMul(1n, 500_000_000_000_000_000n)).toBe(0n) // exactly 0.5 → 0
  })
  it('rounds up just above a tie and down just below', () => {
    expect(perquintillMul(half + 1n, 3n)).toBe(2n)
    expect(perquintillMul(half - 1n, 3n)).toBe(1n)
    expect(perquintillMul(1n, 500_000_000_000_000_001n)).toBe(1n)
    expect(perquintillMul(1n, 499_999_999_999_999_999n)).toBe(0n)
  })
  it('rounds a truncated ratio back to the nearest planck', () => {
    expect(perquintillMul(perquintillFromRational(2n, 3n), 3n)).toBe(2n) // 1.999999999999999998 → 2
    expect(perquintillMul(perquintillFromRational(1n, 3n), 2n)).toBe(1n) // 0.666… → 1
  })
  it('is exact on u128 amounts', () => {
    const max = 2n ** 128n - 1n
    expect(perquintillMul(PERQUINTILL_ONE, max)).toBe(max)
    expect(perquintillMul(0n, max)).toBe(0n)
    expect(perquintillMul(half, max)).toBe(max / 2n) // odd max: x.5 tie → down
  })
})

describe('saturating add and left_from_one', () => {
  it('saturates at one', () => {
    expect(perquintillAdd(PERQUINTILL_ONE - 1n, 1n)).toBe(PERQUINTILL_ONE)
    expect(perquintillAdd(PERQUINTILL_ONE, PERQUINTILL_ONE)).toBe(PERQUINTILL_ONE)
    expect(perquintillAdd(1n, 2n)).toBe(3n)
  })
  it('left_from_one is one minus the share', () => {
    expect(perquintillLeftFromOne(PERQUINTILL_ONE / 4n)).toBe(750_000_000_000_000_000n)
    expect(perquintillLeftFromOne(PERQUINTILL_ONE)).toBe(0n)
  })
  it('formats as an exact decimal fraction', () => {
    expect(formatPerquintill(50_000_000_000_000_000n)).toBe('0.05')
    expect(formatPerquintill(PERQUINTILL_ONE)).toBe('1')
    expect(formatPerquintill(1n)).toBe('0.000000000000000001')
  })
})
