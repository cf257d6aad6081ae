import { BridgeError, errorMessage } from '../../src/errors.ts'

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

/** Prints an error: `{ "error": {...} }` on stdout with --json, `error: …` on stderr otherwise. */
export function printError(error: unknown, json: boolean): void {
  const body = error instanceof BridgeError ? error.toJSON() : { code: 'INTERNAL', message: errorMessage(error) }
  if (json) process.stdout.write(`${JSON.stringify({ error: body }, jsonReplacer, 2)}\n`)
  else process.stderr.write(`error: ${errorMessage(error)}\n`)
}

/** Progress on stderr, only when stderr is a terminal. */
export function progress(line: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line}`)
}

/** Ends a progress line. */
export function progressDone(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K')
}
