import { BridgeError, type BridgeErrorOptions } from '../../src/errors.ts'

/**
 * A BridgeError with the HTTP status it answers with. Handlers throw it (or any BridgeError, mapped by `httpStatus`);
 * the app's error handler turns it into `{ "error": {...} }`, the document the CLI prints with `--json`.
 * @example throw new HttpProblem(404, 'CERTIFICATE_NOT_FOUND', 'the registry holds no certificate 0x18f5…')
 */
export class HttpProblem extends BridgeError {
  readonly status: number
  readonly headers: Record<string, string>

  constructor(status: number, code: string, shortMessage: string, options: BridgeErrorOptions & { headers?: Record<string, string> } = {}) {
    super(code, shortMessage, { kind: status >= 500 ? (status === 500 ? 'internal' : 'io') : 'input', ...options })
    this.status = status
    this.headers = options.headers ?? {}
  }
}

/** Codes whose status is not the one their kind gives. */
const STATUS_BY_CODE: Record<string, number> = {
  INPUT_TOO_LARGE: 413,
  UPLOAD_TOO_LARGE: 413,
  HTTP_BODY_TOO_LARGE: 413,
  CERTIFICATE_NOT_FOUND: 404,
  NOT_FOUND: 404,
}

/**
 * The HTTP status of an error: HttpProblem's own; else by code (too large → 413), else by kind: bad input 400, a failed
 * check 422, an unreachable service 503, anything else 500.
 * @example httpStatus(new BridgeError('RPC_UNREACHABLE', '…', { kind: 'io' })) // 503
 */
export function httpStatus(error: unknown): number {
  if (error instanceof HttpProblem) return error.status
  if (!(error instanceof BridgeError)) return 500
  const byCode = STATUS_BY_CODE[error.code]
  if (byCode) return byCode
  switch (error.kind) {
    case 'input':
      return 400
    case 'check':
      return 422
    case 'io':
      return 503
    default:
      return 500
  }
}

/**
 * The error document of an answer: a BridgeError's own fields; anything else is INTERNAL with a fixed message (the
 * server logs what happened, without a stack; raw library text never reaches a client).
 * @example errorBody(new HttpProblem(404, 'NOT_FOUND', 'no route GET /v2')) // { error: { code: 'NOT_FOUND', message: 'no route GET /v2' } }
 */
export function errorBody(error: unknown): { error: Record<string, unknown> } {
  if (error instanceof BridgeError) return { error: error.toJSON() }
  return { error: { code: 'INTERNAL', message: 'internal error: the server could not answer this request (logged)' } }
}
