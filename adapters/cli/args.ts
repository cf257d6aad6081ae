import { parseArgs, type ParseArgsConfig } from 'node:util'
import { BridgeError, quoted } from '../../src/errors.ts'

type Options = NonNullable<ParseArgsConfig['options']>

/**
 * The positional arguments a command takes, by name: `'file'` one, `'file?'` optional, `'file...'` any number (last
 * only). A command with subcommands declares each: `{ verify: ['file'] }` (the first positional is the subcommand).
 * More positionals than declared are refused: `cert validate a.json b.json` is an error, never a silent `a.json`.
 */
export type PositionalSpec = readonly string[] | { readonly [subcommand: string]: readonly string[] }

/**
 * `node:util` parseArgs with strict checking; an unknown or malformed option, or a positional argument the command
 * does not declare, is a BridgeError (exit 2) naming it.
 * @example const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } }, 'ccp-bridge cert hash', ['file'])
 */
export function parseCommandArgs<T extends Options>(args: string[], options: T, command: string, positionals: PositionalSpec) {
  let parsed
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (cause) {
    throw new BridgeError('BAD_ARGUMENTS', `${command}: ${(cause as Error).message}`, { cause, details: `run \`${helpCommand(command)} --help\`` })
  }
  refuseExtraPositionals(parsed.positionals, command, positionals)
  return parsed
}

function refuseExtraPositionals(given: readonly string[], command: string, spec: PositionalSpec): void {
  let names: readonly string[]
  let rest: readonly string[]
  let name = command
  if (Array.isArray(spec)) {
    names = spec
    rest = given
  } else {
    const sub = given[0]
    const declared = sub === undefined ? undefined : (spec as Record<string, readonly string[]>)[sub]
    if (declared === undefined || !Object.hasOwn(spec, sub!)) return // the command says which subcommands exist
    names = declared
    rest = given.slice(1)
    name = `${command} ${sub}`
  }
  if (names.some((n) => n.endsWith('...')) || rest.length <= names.length) return
  const extra = rest.slice(names.length)
  const takes = names.length === 0 ? 'takes no arguments' : `takes ${names.map((n) => `<${n.replace(/\?$/, '')}>${n.endsWith('?') ? ' (optional)' : ''}`).join(' ')}`
  throw new BridgeError('BAD_ARGUMENTS', `${name}: unexpected argument ${quoted(extra[0]!)}${extra.length > 1 ? ` and ${extra.length - 1} more` : ''}; it ${takes}`, {
    details: `run \`${helpCommand(command)} --help\``,
  })
}

/** The command whose --help lists the usage: `ccp-bridge cert validate` → `ccp-bridge cert`. */
function helpCommand(command: string): string {
  return command.split(' ').slice(0, 2).join(' ')
}

/**
 * An argument quoted for a message: JSON string syntax (control characters escaped), cut to a bounded excerpt
 * (`quoted` of src/errors.ts).
 * @example throw new BridgeError('BAD_ARGUMENTS', `--type expects A or B, got ${quoteArgument(text)}`)
 */
export const quoteArgument = quoted

/** The one positional argument a command needs. */
export function requirePositional(positionals: string[], index: number, what: string): string {
  const value = positionals[index]
  if (value === undefined) throw new BridgeError('BAD_ARGUMENTS', `missing ${what}`)
  return value
}

/** Bounds of whole-number options, by what they count. */
export const INTEGER_BOUNDS = {
  /** an EVM chain id (EIP-155): positive and exact in a JavaScript number */
  chainId: { min: 1, max: Number.MAX_SAFE_INTEGER },
  /** a Cere era index (u32 on the chain) */
  era: { min: 0, max: 2 ** 32 - 1 },
  /** a block number (u32 on Cere; EVM block numbers stay far below 2^53) */
  block: { min: 0, max: Number.MAX_SAFE_INTEGER },
  /** a TCP port (0: any free port) */
  port: { min: 0, max: 65_535 },
  /** a count of rounds or days an option asks for */
  count: { min: 0, max: Number.MAX_SAFE_INTEGER },
  /** a wait in seconds (a Node timer holds at most 2^31 − 1 ms, about 24.8 days) */
  seconds: { min: 0, max: 2_147_483 },
} as const

/**
 * Parses a whole-number option strictly: decimal digits only (no sign, exponent, fraction or spaces), within
 * `[min, max]` (default 0 … 2^53 − 1), so `--chain-id 100000000000000000000000000` is refused instead of becoming 1e+26.
 * @example parseInteger('chain-id', '31337', INTEGER_BOUNDS.chainId) // 31337
 */
export function parseInteger(name: string, text: string | undefined, bounds: { min: number; max: number } = INTEGER_BOUNDS.count): number | undefined {
  const value = parseBigInteger(name, text, { min: BigInt(bounds.min), max: BigInt(bounds.max) })
  return value === undefined ? undefined : Number(value)
}

/** The largest uint256, the default upper bound of `parseBigInteger`. */
export const UINT256_MAX = 2n ** 256n - 1n

/**
 * Parses a whole-number option as a bigint (token amounts, block numbers): decimal digits only, within `[min, max]`
 * (default 0 … 2^256 − 1).
 * @example parseBigInteger('amount', '1000000000000000000000') // 1000000000000000000000n
 */
export function parseBigInteger(name: string, text: string | undefined, bounds: { min: bigint; max: bigint } = { min: 0n, max: UINT256_MAX }): bigint | undefined {
  if (text === undefined) return undefined
  const range = `from ${bounds.min} to ${bounds.max}`
  if (!/^[0-9]+$/.test(text)) throw new BridgeError('BAD_ARGUMENTS', `--${name} expects a whole number ${range} (decimal digits only), got ${quoted(text)}`)
  // a bound check on the digits first: a million-digit argument is refused without building the number
  const digits = text.replace(/^0+(?=.)/, '')
  const value = digits.length > bounds.max.toString().length + 1 ? undefined : BigInt(digits)
  if (value === undefined || value < bounds.min || value > bounds.max) throw new BridgeError('BAD_ARGUMENTS', `--${name} expects a whole number ${range}, got ${quoted(text)}`)
  return value
}

/** The earliest time an option takes: Unix time 0, the earliest a chain's block timestamp (uint64 seconds) can hold. */
export const EARLIEST_TIME = new Date('1970-01-01T00:00:00Z')

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|([+-])(\d{2}):(\d{2}))$/

/**
 * Parses a time option strictly: an ISO 8601 / RFC 3339 date-time with a time zone (`2026-04-15T00:00:00Z`,
 * `2026-04-15T02:00:00+02:00`), a real calendar date and time, from 1970-01-01T00:00:00Z (a time a chain can hold) to
 * year 9999. `0`, `April 15, 2026`, a date without a time or a time without a zone are refused.
 * @example parseTime('now', '2026-04-15T00:00:00Z') // Date 2026-04-15T00:00:00.000Z
 */
export function parseTime(name: string, text: string | undefined, options: { wholeSeconds?: boolean } = {}): Date | undefined {
  if (text === undefined) return undefined
  const expected = `--${name} expects an ISO 8601 date-time with a time zone, such as 2026-04-15T00:00:00Z`
  const m = ISO_DATE_TIME.exec(text)
  if (!m) throw new BridgeError('BAD_ARGUMENTS', `${expected}, got ${quoted(text)}`)
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number]
  const offsetMinutes = m[9] ? (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) : 0
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59 || (m[10] !== undefined && (Number(m[10]) > 23 || Number(m[11]) > 59))) {
    throw new BridgeError('BAD_ARGUMENTS', `${expected}: ${quoted(text)} is not a real date and time`)
  }
  if (options.wholeSeconds && m[7] !== undefined && Number(m[7]) !== 0) throw new BridgeError('BAD_ARGUMENTS', `--${name} expects whole seconds, got ${quoted(text)}`)
  const millis = m[7] === undefined ? 0 : Math.floor(Number(m[7]) * 1000)
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000)
  if (date.getTime() < EARLIEST_TIME.getTime()) {
    throw new BridgeError('BAD_ARGUMENTS', `--${name} must be at or after 1970-01-01T00:00:00Z (a chain's timestamps count seconds from then), got ${quoted(text)}`)
  }
  return date
}

/**
 * Parses `--now` with `parseTime`, or returns the real time.
 * @example parseNow(values.now) // the clock, or the fixed time given
 */
export function parseNow(text: string | undefined): Date {
  return parseTime('now', text) ?? new Date()
}
