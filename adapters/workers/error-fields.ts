import { BridgeError } from '../../src/errors.ts'

/** A BridgeError as plain data, to cross a thread or a process (worker threads, queue results): the same error on arrival. */
export type ErrorFields = {
  code: string
  shortMessage: string
  details?: string | undefined
  file?: string | undefined
  path?: string | undefined
  offset?: number | undefined
  line?: number | undefined
  kind?: BridgeError['kind']
}

/**
 * The plain fields of an error: a BridgeError keeps its code, message, location and kind; anything else becomes an
 * INTERNAL error with its message.
 * @example errorFields(new BridgeError('INPUT_EMPTY', 'file is empty', { file: 'a.pb' }))
 */
export function errorFields(error: unknown): ErrorFields {
  if (!(error instanceof BridgeError)) return { code: 'INTERNAL', shortMessage: (error as Error)?.message ?? String(error), kind: 'internal' }
  const fields: ErrorFields = { code: error.code, shortMessage: error.shortMessage, kind: error.kind }
  if (error.details !== undefined) fields.details = error.details
  if (error.file !== undefined) fields.file = error.file
  if (error.path !== undefined) fields.path = error.path
  if (error.offset !== undefined) fields.offset = error.offset
  if (error.line !== undefined) fields.line = error.line
  return fields
}

/**
 * The BridgeError that `errorFields` described (its message is rebuilt exactly, location included).
 * @example throw errorFromFields(message.error)
 */
export function errorFromFields(fields: ErrorFields): BridgeError {
  const { code, shortMessage, ...options } = fields
  return new BridgeError(code, shortMessage, options)
}
