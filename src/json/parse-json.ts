import { BridgeError, excerpt } from '../errors.ts'
import { jsonPath } from '../schema/json-path.ts'
import { findJsonTextProblem, loneSurrogateIn, type JsonTextProblem } from './json-text-problem.ts'
import { lineAndColumn } from './text-position.ts'

/**
 * Where JSON text came from, for messages. `file`: the file or URL. `path`: the JSON path of this text inside a larger
 * document (a grant's decoded payload: `$.payload(decoded)`); absent when the text is the whole file. `line`: the line
 * of a JSON Lines file. `what`: what the text should be (`grant payload (base64url-decoded)`). `code`: the error code
 * for text that is not JSON (default INPUT_NOT_JSON).
 */
export type JsonOrigin = { file?: string | undefined; path?: string | undefined; line?: number | undefined; what?: string | undefined; code?: string | undefined }

/**
 * The one strict JSON reader of the bridge: `JSON.parse`, then refuses what RFC 8785 (I-JSON, RFC 7493) inputs may not
 * hold: a key twice in one object (JSON_DUPLICATE_KEY; JSON.parse would keep the last, another reader the first) and a
 * lone UTF-16 surrogate in a string or key (JSON_LONE_SURROGATE). Every error names the file, the line and the JSON path.
 * Empty text is INPUT_EMPTY; a syntax error gives the line and column.
 * @example parseJson('{"revoked":true,"revoked":false}', { file: 'grant.json' }) // throws: grant.json line 1 at $.revoked: duplicate key "revoked" …
 */
export function parseJson(text: string, origin: JsonOrigin = {}): unknown {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    throw notJsonError(text, origin, cause)
  }
  const problem = findJsonTextProblem(text)
  if (problem) throw problemError(problem, text, origin)
  return value
}

/**
 * Strict JSON from bytes: UTF-8 (fatal; INPUT_NOT_UTF8 with the byte offset of the first bad sequence), then `parseJson`.
 * @example const { value, text } = parseJsonBytes(bytes, { file: 'cert.json' })
 */
export function parseJsonBytes(bytes: Uint8Array, origin: JsonOrigin = {}): { value: unknown; text: string } {
  const text = decodeUtf8(bytes, origin)
  return { value: parseJson(text, origin), text }
}

/**
 * UTF-8 text of bytes, refusing invalid sequences (INPUT_NOT_UTF8 naming the byte offset); a leading BOM is dropped.
 * @example decodeUtf8(bytes, { file: 'cert.json' })
 */
export function decodeUtf8(bytes: Uint8Array, origin: JsonOrigin = {}): string {
  try {
    return fatalDecoder.decode(bytes)
  } catch (cause) {
    throw new BridgeError('INPUT_NOT_UTF8', `${origin.what ?? 'file'} is not UTF-8 text`, { ...located(origin), offset: firstInvalidUtf8(bytes), cause })
  }
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true })

function notJsonError(text: string, origin: JsonOrigin, cause: unknown): BridgeError {
  const what = origin.what
  const linePrefix = origin.line !== undefined && what === undefined ? `line ${origin.line}: ` : ''
  if (text.trim() === '') {
    return new BridgeError('INPUT_EMPTY', `${linePrefix}${what ?? 'file'} is empty, expected JSON`, located(origin))
  }
  const message = (cause as Error).message
  const position = /position (\d+)/.exec(message)
  let where = ''
  if (position) {
    const { line, column } = lineAndColumn(text, Number(position[1]))
    where = origin.line !== undefined ? ` (column ${column})` : ` (line ${line}, column ${column})`
  }
  return new BridgeError(origin.code ?? 'INPUT_NOT_JSON', `${linePrefix}${what ? `${what} is not valid JSON` : 'not valid JSON'}${where}`, { ...located(origin), details: message, cause })
}

function problemError(problem: JsonTextProblem, text: string, origin: JsonOrigin): BridgeError {
  const sub = jsonPath(problem.segments)
  const path = origin.path === undefined ? sub : origin.path + sub.slice(1)
  const { line, column } = lineAndColumn(text, problem.offset)
  // the line in the file: given for JSON Lines (said first, as every JSON Lines message does); computed when the text
  // is the whole file; unknown for text nested in another document (a decoded payload)
  const linePrefix = origin.line !== undefined ? `line ${origin.line}: ` : ''
  const at = origin.line !== undefined ? ` (column ${column})` : origin.path === undefined ? ` (line ${line}, column ${column})` : ''
  const fileLine = origin.line ?? (origin.path === undefined ? line : undefined)
  const location = { ...located(origin), path, ...(fileLine !== undefined ? { line: fileLine } : {}) }
  if (problem.kind === 'duplicate-key') {
    const key = problem.segments[problem.segments.length - 1] as string
    return new BridgeError('JSON_DUPLICATE_KEY', `${linePrefix}duplicate key ${quoteKey(key)}${at}: a key may appear only once in an object (I-JSON, RFC 7493, as RFC 8785 requires)`, location)
  }
  const lone = loneSurrogateOf(text, problem.offset)
  return new BridgeError('JSON_LONE_SURROGATE', `${linePrefix}a lone UTF-16 surrogate${lone ? ` (${lone})` : ''} in a string${at}: strings must be valid Unicode (I-JSON, RFC 7493, as RFC 8785 requires)`, location)
}

/** The lone surrogate of the string token at `offset`, as `\udXXX`. */
function loneSurrogateOf(text: string, offset: number): string | undefined {
  let end = offset + 1
  while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1
  try {
    return loneSurrogateIn(JSON.parse(text.slice(offset, end + 1)) as string)
  } catch {
    return undefined
  }
}

function quoteKey(key: string): string {
  return excerpt(JSON.stringify(key), 120)
}

function located(origin: JsonOrigin): { file?: string; path?: string; line?: number } {
  return {
    ...(origin.file !== undefined ? { file: origin.file } : {}),
    ...(origin.path !== undefined ? { path: origin.path } : {}),
    ...(origin.line !== undefined ? { line: origin.line } : {}),
  }
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]!
    const size = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0
    if (size === 0) return i
    if (i + size > bytes.length) return i
    for (let k = 1; k < size; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i
    const second = bytes[i + 1]!
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f) || (b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)) return i
    i += size
  }
  return i
}
