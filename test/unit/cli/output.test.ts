import { describe, expect, it } from 'vitest'
import { printable, terminalSafe } from '../../../adapters/cli/output.ts'
import { BridgeError, excerpt, quoted } from '../../../src/errors.ts'

describe('terminal-safe human output', () => {
  it('printable escapes every control character, newline included, bidi overrides and lone surrogates', () => {
    expect(printable('v-1 / cal\x1b[2Jendar')).toBe('v-1 / cal\\x1b[2Jendar')
    expect(printable('a\nb\rc\td\x07e\x7f\x9b')).toBe('a\\nb\\rc\\td\\x07e\\x7f\\x9b')
    expect(printable('evil\u202etxt.exe\u2066')).toBe('evil\\u202etxt.exe\\u2066')
    expect(printable(`x${String.fromCharCode(0xd800)}y 😀`)).toBe('x\\ud800y 😀')
    expect(printable('calendar / v-7c21 ünïcödé')).toBe('calendar / v-7c21 ünïcödé')
  })

  it('terminalSafe keeps our own newlines and tabs and escapes the rest', () => {
    expect(terminalSafe('ok\n\tscopes \x1b]0;pwned\x07\n')).toBe('ok\n\tscopes \\x1b]0;pwned\\x07\n')
  })

  it('a huge value is cut in the middle, printed or in an error', () => {
    const huge = 'A'.repeat(50 * 1024 * 1024)
    const shown = printable(huge)
    expect(shown.length).toBeLessThan(500)
    expect(shown).toMatch(/^A+…\[52428\d+ characters left out\]…A+$/)
    expect(excerpt('short')).toBe('short')
    expect(quoted(huge).length).toBeLessThan(200)
    const error = new BridgeError('X', `version ${JSON.stringify(huge)} is not supported`, { details: huge, path: `$.${huge}`, file: huge })
    expect(error.message.length).toBeLessThan(20_000)
    expect(JSON.stringify(error.toJSON()).length).toBeLessThan(20_000)
    expect(error.shortMessage).toMatch(/ is not supported$/) // the end of the message survives
  })
})
