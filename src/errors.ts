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
  readonly kind: 'input' | 'check' | 'io' | 'internal'

  constructor(code: string, shortMessage: string, options: BridgeErrorOptions = {}) {
    const where = formatLocation(options)
    const message = [where ? `${where}: ${shortMessage}` : shortMessage, options.details && `Details: ${options.details}`]
      .filter(Boolean)
      .join('\n')
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.shortMessage = shortMessage
    this.details = options.details
    this.file = options.file
    this.path = options.path
    this.offset = options.offset
    this.kind = options.kind ?? 'input'
  }

  /** A plain object for `--json` output. */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.shortMessage,
      ...(this.details ? { details: this.details } : {}),
      ...(this.file !== undefined ? { file: this.file } : {}),
      ...(this.path !== undefined ? { path: this.path } : {}),
      ...(this.offset !== undefined ? { offset: this.offset } : {}),
    }
  }
}

/** `file.json at $.a.b (byte 12)` — the place a message points to. */
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
