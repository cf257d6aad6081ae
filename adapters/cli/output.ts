import { BridgeError, errorMessage, excerpt } from '../../src/errors.ts'
import { MAX_ECHO_CHARS } from '../../src/limits.ts'

/**
 * Output for the CLI: JSON on stdout for machines, readable lines otherwise; errors never show a stack.
 * @example printJson({ valid: true })
 */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`)
}

/** bigint as decimal strings, Uint8Array as 0x-hex. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex')}`
  return value
}

/**
 * Characters that must never reach a terminal from input: C0 controls (ESC starts the sequences that move the cursor,
 * clear the screen or set the title), DEL, C1 controls (0x9B is a one-byte CSI), the bidirectional overrides and
 * isolates that reorder what is shown (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C), line and paragraph
 * separators, and lone surrogates.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
/** the same, except the newline and tab our own human output is made of */
const UNSAFE_KEEP_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

function escapeChar(char: string): string {
  if (char === '\n') return '\\n'
  if (char === '\r') return '\\r'
  if (char === '\t') return '\\t'
  const code = char.charCodeAt(0)
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/**
 * Input text made safe to print in human output: every control character (newlines too, so an input cannot fake a line
 * of the report), bidirectional override and lone surrogate is shown escaped (`\x1b`, `\n`, `\u202e`), and text longer
 * than `max` characters (default MAX_ECHO_CHARS) is cut in the middle. Use it for every value that came from an input
 * (scopes, names, ids, file names) when printing for a person; `--json` output needs none of it (JSON escapes them).
 * @example `scopes ${printable('v-1 / cal\x1b[2Jendar')}` // 'scopes v-1 / cal\x1b[2Jendar' with the ESC shown as \x1b
 */
export function printable(text: string, max: number = MAX_ECHO_CHARS): string {
  return excerpt(text, max).replace(UNSAFE, escapeChar)
}

/**
 * Makes a whole block of human output terminal-safe: control characters other than newline and tab, bidirectional
 * overrides and lone surrogates are shown escaped. The last line of defence for text that mixes our own lines with
 * input (`writeOut` and `printError` apply it); values should still go through `printable` so they cannot add lines.
 * @example terminalSafe('ok\n\x1b]0;pwned\x07') // 'ok\n\x1b]0;pwned\x07' with ESC and BEL shown as \x1b and \x07
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_KEEP_LINES, escapeChar)
}

/**
 * Writes human output to stdout, terminal-safe (`terminalSafe`). Every human-readable line a command prints goes
 * through it (or `writeErr` for stderr).
 * @example writeOut(`${printable(file)}: VALID\n`)
 */
export function writeOut(text: string): void {
  process.stdout.write(terminalSafe(text))
}

/**
 * Writes human output (warnings, notes) to stderr, terminal-safe.
 * @example writeErr(`warning: ${printable(message)}\n`)
 */
export function writeErr(text: string): void {
  process.stderr.write(terminalSafe(text))
}

/**
 * Prints an error: `{ "error": {...} }` on stdout with --json, `error: …` on stderr otherwise (terminal-safe, and
 * BridgeError keeps every part of its message a bounded excerpt, so a 50 MB input string is never echoed whole).
 */
export function printError(error: unknown, json: boolean): void {
  const body = error instanceof BridgeError ? error.toJSON() : { code: 'INTERNAL', message: excerpt(errorMessage(error), 2000) }
  if (json) process.stdout.write(`${JSON.stringify({ error: body }, jsonReplacer, 2)}\n`)
  else process.stderr.write(`error: ${terminalSafe(error instanceof BridgeError ? errorMessage(error) : excerpt(errorMessage(error), 2000))}\n`)
}

/** Progress on stderr, only when stderr is a terminal. */
export function progress(line: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${terminalSafe(line)}`)
}

/** Ends a progress line. */
export function progressDone(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K')
}
