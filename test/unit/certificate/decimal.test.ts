import { describe, expect, it } from 'vitest'
import { compareDecimal, divideDecimal, doubleToRational, formatRational, isPositiveDecimal, parseDecimal, statesRatio } from '../../../src/certificate/decimal.ts'

describe('decimal amounts', () => {
  it('parses exactly and compares numerically', () => {
    expect(parseDecimal('12.50')).toEqual({ num: 1250n, den: 100n })
    expect(compareDecimal('3.0', '3')).toBe(0)
    expect(compareDecimal('9', '10')).toBe(-1)
    expect(compareDecimal('123456789012345678901234567890.000000000000000001', '123456789012345678901234567890')).toBe(1)
    expect(isPositiveDecimal('0.000')).toBe(false)
    expect(isPositiveDecimal('0.001')).toBe(true)
  })

  it('refuses anything but plain decimal text', () => {
    for (const bad of ['', '-1', '1e3', '01', '1.', '.5', ' 1', '0x10']) expect(() => parseDecimal(bad)).toThrow(/decimal string/)
  })

  it('doubles convert to their exact rational value', () => {
    expect(doubleToRational(3)).toEqual({ num: 3n, den: 1n })
    expect(doubleToRational(0.5)).toEqual({ num: 1n, den: 2n })
    expect(doubleToRational(0.1)).toEqual({ num: 3602879701896397n, den: 36028797018963968n })
    expect(doubleToRational(0)).toEqual({ num: 0n, den: 1n })
    expect(doubleToRational(5e-324)).toEqual({ num: 1n, den: 2n ** 1074n })
  })

  it('a stated ratio matches when it is the double nearest the exact quotient', () => {
    expect(statesRatio(3.0, divideDecimal('150000', '50000'))).toBe(true)
    expect(statesRatio(3.3333333333333335, divideDecimal('100000', '30000'))).toBe(true)
    expect(statesRatio(3.33, divideDecimal('100000', '30000'))).toBe(false)
    expect(statesRatio(3.0000000000000004, divideDecimal('150000', '50000'))).toBe(false)
    expect(statesRatio(0.1, divideDecimal('1', '10'))).toBe(true)
    expect(statesRatio(0, divideDecimal('0', '10'))).toBe(true)
    expect(statesRatio(2.5, divideDecimal('150000', '50000'))).toBe(false)
  })

  it('formats rationals for messages', () => {
    expect(formatRational({ num: 10n, den: 3n })).toBe('3.333333…')
    expect(formatRational({ num: 5n, den: 2n })).toBe('2.5')
    expect(formatRational({ num: 6n, den: 2n })).toBe('3')
  })
})
