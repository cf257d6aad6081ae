import { BridgeError, errorMessage, excerpt } from '../../src/errors.ts'

export type LogLevel = 'info' | 'warn' | 'error'
export type LogFields = Record<string, string | number | boolean | null | undefined>

/** Where `serve` writes what it does: one line per entry, never a stack trace, never a key or token. */
export type Logger = {
  log(level: LogLevel, scope: string, message: string, fields?: LogFields): void
}

/**
 * A logger writing one line per entry to a stream (stderr by default): `2026-06-15T00:00:00.000Z warn watcher: …` for
 * people, or one JSON object per line with `json`. Messages are cut to a bounded excerpt and control characters are
 * escaped, so no input can forge a log line.
 * @example const logger = createLogger({ json: false }); logger.log('info', 'serve', 'listening on http://127.0.0.1:8080')
 */
export function createLogger(options: { json?: boolean; write?: (line: string) => void; clock?: () => Date } = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line))
  const clock = options.clock ?? (() => new Date())
  return {
    log(level, scope, message, fields = {}) {
      const time = clock().toISOString()
      const text = excerpt(message, 2000)
      if (options.json) {
        write(`${JSON.stringify({ time, level, scope, message: text, ...fields })}\n`)
        return
      }
      const extra = Object.entries(fields)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : String(v)}`)
        .join(' ')
      write(`${time} ${level} ${scope}: ${oneLine(text)}${extra ? ` ${oneLine(extra)}` : ''}\n`)
    },
  }
}

/**
 * What to log about a failure: its code and message, never its stack.
 * @example logger.log('error', 'http', 'request failed', failureFields(error))
 */
export function failureFields(error: unknown): LogFields {
  if (error instanceof BridgeError) return { code: error.code, error: excerpt(error.shortMessage, 1000), ...(error.details ? { details: excerpt(error.details, 1000) } : {}) }
  return { code: 'INTERNAL', error: excerpt(errorMessage(error), 1000) }
}

/** A logger that drops everything (tests that assert on answers only). */
export const silentLogger: Logger = { log() {} }

function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => (c === '\n' ? '\\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))
}
