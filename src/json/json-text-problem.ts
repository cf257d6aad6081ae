/**
 * What makes JSON text that `JSON.parse` accepts unfit as an I-JSON (RFC 7493) input, as RFC 8785 requires: a key
 * written twice in one object (JSON.parse silently keeps the last; another reader may keep the first), or a string
 * (or key) holding a lone UTF-16 surrogate (`"\ud800"`), which has no UTF-8 form.
 */
export type JsonTextProblem = {
  kind: 'duplicate-key' | 'lone-surrogate'
  /** JSON path segments of the duplicate member or of the bad string */
  segments: Array<string | number>
  /** index into the text where the duplicate key or the bad string starts */
  offset: number
}

const QUOTE = 34
const BACKSLASH = 92
const OPEN_OBJECT = 123
const CLOSE_OBJECT = 125
const OPEN_ARRAY = 91
const CLOSE_ARRAY = 93
const COMMA = 44
/** objects with more keys than this track them in a Set; smaller ones in an array (faster for records' few keys) */
const SMALL_OBJECT = 12

/**
 * Finds the first duplicate key or lone surrogate in JSON text that already parses (call it after `JSON.parse`
 * succeeded: it does not re-check the syntax). One pass; strings are skipped with native `indexOf`, so text made
 * mostly of long strings (base64 payloads, hex signatures) costs little more than JSON.parse itself.
 * @example findJsonTextProblem('{"revoked":true,"revoked":false}') // { kind: 'duplicate-key', segments: ['revoked'], offset: 16 }
 */
export function findJsonTextProblem(text: string): JsonTextProblem | undefined {
  const n = text.length
  const rawWellFormed = isWellFormed(text)
  let backslash = text.indexOf('\\')
  if (backslash < 0) backslash = n
  // one frame per open object or array: whether it is an object, its keys so far, the current key or index
  const isObject: boolean[] = []
  const keys: Array<string[] | Set<string>> = []
  const current: Array<string | number> = []
  const expectKey: boolean[] = []
  let depth = 0
  let i = 0
  while (i < n) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      // find the closing quote: a quote preceded by a backslash escape is part of the string
      if (backslash <= i) backslash = nextBackslash(text, i + 1, n)
      let from = i + 1
      let escaped = false
      let end: number
      for (;;) {
        const q = text.indexOf('"', from)
        if (q < 0) return undefined // not JSON that parses: nothing to report here
        while (backslash < q) {
          escaped = true
          from = backslash + 2
          backslash = nextBackslash(text, from, n)
        }
        if (from > q) continue // that quote was escaped
        end = q
        break
      }
      const top = depth - 1
      const isKey = top >= 0 && isObject[top] === true && expectKey[top] === true
      let decoded: string | undefined
      if (escaped) {
        decoded = JSON.parse(text.slice(i, end + 1)) as string
        if (!isWellFormed(decoded)) return { kind: 'lone-surrogate', segments: pathOf(current, depth, isKey ? decoded : undefined), offset: i }
      } else if (!rawWellFormed && !isWellFormed(text.slice(i + 1, end))) {
        return { kind: 'lone-surrogate', segments: pathOf(current, depth, isKey ? text.slice(i + 1, end) : undefined), offset: i }
      }
      if (isKey) {
        const key = decoded ?? text.slice(i + 1, end)
        const seen = keys[top]!
        if (Array.isArray(seen)) {
          if (seen.includes(key)) return { kind: 'duplicate-key', segments: pathOf(current, depth, key), offset: i }
          seen.push(key)
          if (seen.length > SMALL_OBJECT) keys[top] = new Set(seen)
        } else {
          if (seen.has(key)) return { kind: 'duplicate-key', segments: pathOf(current, depth, key), offset: i }
          seen.add(key)
        }
        current[top] = key
        expectKey[top] = false
      }
      i = end + 1
      continue
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      isObject[depth] = c === OPEN_OBJECT
      if (c === OPEN_OBJECT) keys[depth] = []
      current[depth] = c === OPEN_OBJECT ? '' : 0
      expectKey[depth] = true
      depth++
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--
    } else if (c === COMMA) {
      const top = depth - 1
      if (isObject[top]) expectKey[top] = true
      else current[top] = (current[top] as number) + 1
    }
    i++
  }
  return undefined
}

/** `String.prototype.isWellFormed` (Node 20; not in the ES2022 lib the project compiles against): no lone surrogate. */
export function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed()
}

function nextBackslash(text: string, from: number, n: number): number {
  const at = text.indexOf('\\', from)
  return at < 0 ? n : at
}

/** The path of the value being read (the frames' keys and indexes), plus `key` when the problem is a key. */
function pathOf(current: ReadonlyArray<string | number>, depth: number, key: string | undefined): Array<string | number> {
  const segments = current.slice(0, depth)
  if (key !== undefined) segments[depth - 1] = key
  return segments
}

/** The code unit that makes a string ill-formed, as `\udXXX`, for messages. */
export function loneSurrogateIn(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) i++
      else return `\\u${c.toString(16)}`
    } else if (c >= 0xdc00 && c <= 0xdfff) return `\\u${c.toString(16)}`
  }
  return undefined
}
