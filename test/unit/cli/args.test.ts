import { describe, expect, it } from 'vitest'
import { INTEGER_BOUNDS, parseBigInteger, parseCommandArgs, parseInteger, parseNow, parseTime } from '../../../adapters/cli/args.ts'
import { BridgeError } from '../../../src/errors.ts'

function message(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(BridgeError)
    expect((error as BridgeError).code).toBe('BAD_ARGUMENTS')
    return (error as BridgeError).message
  }
  throw new Error('expected BAD_ARGUMENTS')
}

describe('declared positional arguments', () => {
  const json = { json: { type: 'boolean' } } as const
  it('refuses more positionals than the command declares, naming the first extra one and what it takes', () => {
    expect(parseCommandArgs(['a.json', '--json'], json, 'ccp-bridge cert validate', ['file']).positionals).toEqual(['a.json'])
    expect(message(() => parseCommandArgs(['a.json', 'b.json'], json, 'ccp-bridge cert validate', ['file']))).toBe(
      'ccp-bridge cert validate: unexpected argument "b.json"; it takes <file>\nDetails: run `ccp-bridge cert --help`',
    )
    expect(message(() => parseCommandArgs(['x', 'y', 'z'], json, 'ccp-bridge watch', []))).toMatch(/^ccp-bridge watch: unexpected argument "x" and 2 more; it takes no arguments/)
    expect(parseCommandArgs([], json, 'ccp-bridge watch', []).positionals).toEqual([])
  })

  it('per subcommand: the first positional picks the declaration; a variadic one takes any number', () => {
    const spec = { deploy: [], status: ['certHash'], active: ['agent'] }
    expect(parseCommandArgs(['status', '0xab'], json, 'ccp-bridge registry', spec).positionals).toEqual(['status', '0xab'])
    expect(message(() => parseCommandArgs(['deploy', 'extra'], json, 'ccp-bridge registry', spec))).toMatch(/^ccp-bridge registry deploy: unexpected argument "extra"; it takes no arguments/)
    expect(message(() => parseCommandArgs(['active', '0x1', '0x2'], json, 'ccp-bridge registry', spec))).toMatch(/registry active: unexpected argument "0x2"; it takes <agent>/)
    expect(parseCommandArgs(['verify', 'a', 'b', 'c'], json, 'ccp-bridge trail', { verify: ['file...'] }).positionals).toHaveLength(4)
    // an unknown subcommand is left to the command (it names the ones that exist)
    expect(parseCommandArgs(['bogus', 'x'], json, 'ccp-bridge registry', spec).positionals).toEqual(['bogus', 'x'])
  })
})

describe('strict option parsers', () => {
  it('whole numbers: digits only, within bounds (a 26-digit chain id is refused, never 1e+26)', () => {
    expect(parseInteger('chain-id', '31337', INTEGER_BOUNDS.chainId)).toBe(31337)
    expect(parseInteger('chain-id', undefined, INTEGER_BOUNDS.chainId)).toBeUndefined()
    expect(message(() => parseInteger('chain-id', '10000000000000000000000000', INTEGER_BOUNDS.chainId))).toBe('--chain-id expects a whole number from 1 to 9007199254740991, got "10000000000000000000000000"')
    expect(message(() => parseInteger('chain-id', '0', INTEGER_BOUNDS.chainId))).toMatch(/from 1 to/)
    for (const bad of ['1e3', '-1', '+5', '1.0', ' 7', '0x10', '', '٣']) expect(message(() => parseInteger('era', bad, INTEGER_BOUNDS.era))).toMatch(/--era expects a whole number from 0 to 4294967295 \(decimal digits only\)/)
    expect(message(() => parseInteger('era', '12345678901234567890123', INTEGER_BOUNDS.era))).toMatch(/--era expects a whole number from 0 to 4294967295, got "12345678901234567890123"/)
    expect(parseInteger('era', '4294967295', INTEGER_BOUNDS.era)).toBe(4294967295)
    expect(message(() => parseInteger('port', '65536', INTEGER_BOUNDS.port))).toMatch(/from 0 to 65535/)
    expect(message(() => parseInteger('rounds', '9'.repeat(100_000)))).toMatch(/…\[\d+ characters left out\]…/)
  })

  it('bigints up to uint256', () => {
    expect(parseBigInteger('amount', '115792089237316195423570985008687907853269984665640564039457584007913129639935')).toBe(2n ** 256n - 1n)
    expect(message(() => parseBigInteger('amount', '115792089237316195423570985008687907853269984665640564039457584007913129639936'))).toMatch(/--amount expects a whole number from 0 to 1157920892/)
  })

  it('times: ISO 8601 date-time with a zone, a real date, from 1970 (0, "April 15, 2026", no zone, 1900 are refused)', () => {
    expect(parseTime('now', '2026-04-15T00:00:00Z')!.toISOString()).toBe('2026-04-15T00:00:00.000Z')
    expect(parseTime('now', '2026-04-15T02:30:00+02:00')!.toISOString()).toBe('2026-04-15T00:30:00.000Z')
    expect(parseTime('now', '2026-04-15T00:00:00.123456Z')!.toISOString()).toBe('2026-04-15T00:00:00.123Z')
    expect(parseTime('now', '2024-02-29T23:59:59-12:00')!.toISOString()).toBe('2024-03-01T11:59:59.000Z')
    for (const bad of ['0', 'April 15, 2026', '2026-04-15', '2026-04-15T00:00:00', '1776211200', '2026-4-15T00:00:00Z', 'now']) {
      expect(message(() => parseTime('now', bad))).toMatch(/^--now expects an ISO 8601 date-time with a time zone, such as 2026-04-15T00:00:00Z, got /)
    }
    expect(message(() => parseTime('now', '2026-02-30T00:00:00Z'))).toMatch(/is not a real date and time/)
    expect(message(() => parseTime('now', '2026-04-15T24:00:00Z'))).toMatch(/is not a real date and time/)
    expect(message(() => parseTime('genesis-time', '1900-01-01T00:00:00Z'))).toMatch(/^--genesis-time must be at or after 1970-01-01T00:00:00Z/)
    expect(message(() => parseTime('genesis-time', '2026-01-01T00:00:00.5Z', { wholeSeconds: true }))).toMatch(/whole seconds/)
    expect(parseTime('t', '1970-01-01T00:00:00Z')!.getTime()).toBe(0)
    expect(Math.abs(parseNow(undefined).getTime() - Date.now())).toBeLessThan(5_000)
  })
})
