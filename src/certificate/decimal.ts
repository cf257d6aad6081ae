import { BridgeError } from '../errors.ts'

/**
 * Exact decimal and rational arithmetic for amounts and ratios: decimal strings become bigint rationals, never floats.
 * @example compareDecimal('50000', '49999.99') // 1
 */
export type Rational = { num: bigint; den: bigint }

const DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/

/**
 * Parses a decimal string exactly into a rational (denominator a power of ten).
 * @example parseDecimal('12.5') // { num: 125n, den: 10n }
 */
export function parseDecimal(text: string): Rational {
  const match = DECIMAL.exec(text)
  if (!match) throw new BridgeError('BAD_DECIMAL', `expected a decimal string such as "50000" or "0.5", got ${JSON.stringify(text)}`)
  const fraction = match[2] ? match[2].slice(1) : ''
  return { num: BigInt(match[1]! + fraction), den: 10n ** BigInt(fraction.length) }
}

/**
 * Compares two rationals exactly (both denominators positive).
 * @example compareRational({ num: 1n, den: 3n }, { num: 1n, den: 2n }) // -1
 */
export function compareRational(a: Rational, b: Rational): -1 | 0 | 1 {
  const left = a.num * b.den
  const right = b.num * a.den
  return left < right ? -1 : left > right ? 1 : 0
}

/**
 * Compares two decimal strings exactly.
 * @example compareDecimal('3.0', '3') // 0
 */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  return compareRational(parseDecimal(a), parseDecimal(b))
}

/**
 * a ÷ b as an exact rational (b must not be zero).
 * @example divideDecimal('150000', '50000') // { num: 150000n, den: 50000n }
 */
export function divideDecimal(a: string, b: string): Rational {
  const x = parseDecimal(a)
  const y = parseDecimal(b)
  if (y.num === 0n) throw new BridgeError('DIVISION_BY_ZERO', `cannot divide ${a} by zero`, { kind: 'internal' })
  return { num: x.num * y.den, den: x.den * y.num }
}

/**
 * True when the decimal string is greater than zero.
 * @example isPositiveDecimal('0.00') // false
 */
export function isPositiveDecimal(text: string): boolean {
  return DECIMAL.test(text) && parseDecimal(text).num > 0n
}

/**
 * The exact value of a finite IEEE-754 double as a rational (every double is m·2^e).
 * @example doubleToRational(0.5) // { num: 1n, den: 2n }
 */
export function doubleToRational(value: number): Rational {
  if (!Number.isFinite(value)) throw new BridgeError('BAD_NUMBER', `expected a finite number, got ${value}`, { kind: 'internal' })
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, value)
  const bits = view.getBigUint64(0)
  const sign = bits >> 63n ? -1n : 1n
  const exponentBits = Number((bits >> 52n) & 0x7ffn)
  const fraction = bits & ((1n << 52n) - 1n)
  const mantissa = exponentBits === 0 ? fraction : fraction | (1n << 52n)
  const exponent = (exponentBits === 0 ? 1 : exponentBits) - 1075
  if (exponent >= 0) return { num: sign * (mantissa << BigInt(exponent)), den: 1n }
  return reduce({ num: sign * mantissa, den: 1n << BigInt(-exponent) })
}

/**
 * True when `stated` is the double nearest to the exact quotient `exact` — what a correct producer writes
 * for a ratio as a JSON number (3.0 for 150000 ÷ 50000; 3.3333333333333335 for 100000 ÷ 30000). Non-negative values only.
 * @example statesRatio(3.0, { num: 150000n, den: 50000n }) // true
 */
export function statesRatio(stated: number, exact: Rational): boolean {
  if (!Number.isFinite(stated) || stated < 0) return false
  const value = doubleToRational(stated)
  const below = stated === 0 ? value : doubleToRational(adjacentDouble(stated, -1))
  const next = adjacentDouble(stated, 1)
  const low = midpoint(below, value)
  const high = Number.isFinite(next) ? midpoint(value, doubleToRational(next)) : value
  return compareRational(exact, low) >= 0 && compareRational(exact, high) <= 0
}

/**
 * A rational as a short decimal text for messages (up to `digits` fraction digits, rounded down, "…" when cut).
 * @example formatRational({ num: 10n, den: 3n }) // '3.333333…'
 */
export function formatRational(value: Rational, digits = 6): string {
  const whole = value.num / value.den
  let rest = value.num % value.den
  let fraction = ''
  for (let i = 0; i < digits && rest !== 0n; i++) {
    rest *= 10n
    fraction += (rest / value.den).toString()
    rest %= value.den
  }
  return `${whole}${fraction ? `.${fraction}` : ''}${rest !== 0n ? '…' : ''}`
}

function adjacentDouble(value: number, direction: 1 | -1): number {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, value)
  view.setBigUint64(0, view.getBigUint64(0) + BigInt(direction))
  return view.getFloat64(0)
}

function midpoint(a: Rational, b: Rational): Rational {
  return { num: a.num * b.den + b.num * a.den, den: 2n * a.den * b.den }
}

function reduce(value: Rational): Rational {
  let [a, b] = [value.num < 0n ? -value.num : value.num, value.den]
  while (b !== 0n) [a, b] = [b, a % b]
  return a === 0n ? { num: 0n, den: 1n } : { num: value.num / a, den: value.den / a }
}
