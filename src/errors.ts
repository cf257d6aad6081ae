import { MAX_ECHO_CHARS } from './limits.ts'

/**
 * The one error class of the project: a stable `code`, a one-line `shortMessage`,
 * an optional `details` line, the `cause`, and where the problem is (file, JSON path, byte offset).
 * @example throw new BridgeError('INPUT_NOT_JSON', 'grant.json is not JSON', { file: 'grant.json', details: 'Unexpected token } at 12' })
 */
export type ErrorLocation = {
  /** the file the bad input came from */
  file?: string
  /** a JSON path such as `$.constraints[2].value.amount` */
  path?: string
  /** a byte offset into a binary input */
  offset?: number
  /** a line number (1-based) in a text file, such as a line of a JSON Lines file (for --json; messages say it themselves) */
  line?: number
}

export type BridgeErrorOptions = ErrorLocation & {
  details?: string
  cause?: unknown
  /** what kind of failure: `input` (exit 2), `check` (a rule failed, exit 1), `io` (service unreachable, exit 2) */
  kind?: 'input' | 'check' | 'io' | 'internal'
}

export class BridgeError extends Error {
  override name = 'BridgeError'
  readonly code: string
  readonly shortMessage: string
  readonly details: string | undefined
  readonly file: string | undefined
  readonly path: string | undefined
  readonly offset: number | undefined
  readonly line: number | undefined
  readonly kind: 'input' | 'check' | 'io' | 'internal'

  constructor(code: string, shortMessage: string, options: BridgeErrorOptions = {}) {
    // an error never echoes a huge input whole: every part is cut to a bounded excerpt (the middle goes)
    const short = excerpt(shortMessage, MESSAGE_CHARS)
    const details = options.details === undefined ? undefined : excerpt(options.details, DETAILS_CHARS)
    const location = {
      ...(options.file !== undefined ? { file: excerpt(options.file, LOCATION_CHARS) } : {}),
      ...(options.path !== undefined ? { path: excerpt(options.path, LOCATION_CHARS) } : {}),
      ...(options.offset !== undefined ? { offset: options.offset } : {}),
      ...(options.line !== undefined ? { line: options.line } : {}),
    }
    const where = formatLocation(location)
    const message = [where ? `${where}: ${short}` : short, details && `Details: ${details}`]
      .filter(Boolean)
      .join('\n')
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.shortMessage = short
    this.details = details
    this.file = location.file
    this.path = location.path
    this.offset = options.offset
    this.line = options.line
    this.kind = options.kind ?? 'input'
  }

  /** A plain object for `--json` output. */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.shortMessage,
      ...(this.details ? { details: this.details } : {}),
      ...(this.file !== undefined ? { file: this.file } : {}),
      ...(this.line !== undefined ? { line: this.line } : {}),
      ...(this.path !== undefined ? { path: this.path } : {}),
      ...(this.offset !== undefined ? { offset: this.offset } : {}),
    }
  }
}

/** `file.json at $.a.b (byte 12)` — the place a message points to (a line number is said in the message: `line 3: …`). */
export function formatLocation(location: ErrorLocation): string {
  const parts: string[] = []
  if (location.file) parts.push(location.file)
  if (location.path) parts.push(`at ${location.path}`)
  if (location.offset !== undefined) parts.push(`(byte ${location.offset})`)
  return parts.join(' ')
}

/** The message of anything thrown, without a stack. */
export function errorMessage(error: unknown): string {
  if (error instanceof BridgeError) return error.message
  if (error instanceof Error) return error.message
  return String(error)
}

/** the longest short message, details, and file name or JSON path an error keeps (longer ones lose their middle) */
const MESSAGE_CHARS = 5 * MAX_ECHO_CHARS
const DETAILS_CHARS = 25 * MAX_ECHO_CHARS
const LOCATION_CHARS = 2 * MAX_ECHO_CHARS

/**
 * A bounded excerpt of a text for messages: text longer than `max` keeps its start and end and says how much of the
 * middle was left out, so a 50 MB input string is never echoed whole. Surrogate pairs are never split.
 * @example excerpt('a'.repeat(1000), 20) // 'aaaaaaaaaaaaa…[984 characters left out]…aaa' (about 20 characters of the text)
 */
export function excerpt(text: string, max: number = MAX_ECHO_CHARS): string {
  if (text.length <= max) return text
  let head = Math.ceil(max * 0.7)
  let tail = max - head
  if (isHighSurrogate(text.charCodeAt(head - 1))) head--
  if (tail > 0 && isHighSurrogate(text.charCodeAt(text.length - tail - 1))) tail--
  return `${text.slice(0, head)}…[${text.length - head - tail} characters left out]…${tail > 0 ? text.slice(text.length - tail) : ''}`
}

/**
 * An input value quoted for a message: JSON string syntax (control characters escaped), cut to a bounded excerpt.
 * @example quoted('x'.repeat(50_000_000)) // '"xxxx…[49999880 characters left out]…xxx"'
 */
export function quoted(value: string, max = 120): string {
  return excerpt(JSON.stringify(value), max)
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}
