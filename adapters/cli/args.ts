import { parseArgs, type ParseArgsConfig } from 'node:util'
import { BridgeError } from '../../src/errors.ts'

type Options = NonNullable<ParseArgsConfig['options']>

/**
 * `node:util` parseArgs with strict checking; an unknown or malformed option is a BridgeError (exit 2).
 * @example const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } })
 */
export function parseCommandArgs<T extends Options>(args: string[], options: T, command = 'ccp-bridge') {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (cause) {
    throw new BridgeError('BAD_ARGUMENTS', `${command}: ${(cause as Error).message}`, { cause, details: `run \`${command} --help\`` })
  }
}

/** Parses `--now` (ISO 8601) or returns the real time. */
export function parseNow(text: string | undefined): Date {
  if (text === undefined) return new Date()
  const date = new Date(text)
  if (Number.isNaN(date.getTime())) throw new BridgeError('BAD_ARGUMENTS', `--now expects an ISO 8601 time, got ${JSON.stringify(text)}`)
  return date
}

/** Parses a non-negative integer option. */
export function parseInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text)) throw new BridgeError('BAD_ARGUMENTS', `--${name} expects a whole number, got ${JSON.stringify(text)}`)
  return Number(text)
}

/** The one positional argument a command needs. */
export function requirePositional(positionals: string[], index: number, what: string): string {
  const value = positionals[index]
  if (value === undefined) throw new BridgeError('BAD_ARGUMENTS', `missing ${what}`)
  return value
}
