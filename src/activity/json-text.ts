/**
 * Byte-exact views into JSON text that is already known to parse: where each member or element starts and ends.
 * Used where signatures cover the text as written (grant payloads in the expanded form, node answers).
 * @example objectMembers('{"a": 1}', 0) // { members: [{ key: 'a', keyStart: 1, valueStart: 6, valueEnd: 7 }], end: 8 }
 */
export type JsonMember = { key: string; keyStart: number; valueStart: number; valueEnd: number }

const WS = new Set([' ', '\t', '\n', '\r'])

/** The index of the first non-whitespace character at or after `i`. */
export function skipWhitespace(text: string, i: number): number {
  while (i < text.length && WS.has(text[i] as string)) i++
  return i
}

/** The index just after the JSON value starting at `i` (string, number, literal, object or array). */
export function valueEnd(text: string, i: number): number {
  const c = text[i]
  if (c === '"') return stringEnd(text, i)
  if (c === '{' || c === '[') {
    let depth = 0
    for (let j = i; j < text.length; j++) {
      const ch = text[j]
      if (ch === '"') j = stringEnd(text, j) - 1
      else if (ch === '{' || ch === '[') depth++
      else if (ch === '}' || ch === ']') {
        depth--
        if (depth === 0) return j + 1
      }
    }
    return text.length
  }
  let j = i
  while (j < text.length && !WS.has(text[j] as string) && text[j] !== ',' && text[j] !== '}' && text[j] !== ']') j++
  return j
}

function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++
    else if (text[j] === '"') return j + 1
  }
  return text.length
}

/** The members of the object whose `{` is at `start`, with their spans, and the index after its `}`. */
export function objectMembers(text: string, start: number): { members: JsonMember[]; end: number } {
  const members: JsonMember[] = []
  let i = skipWhitespace(text, start + 1)
  while (i < text.length && text[i] !== '}') {
    const keyStart = i
    const keyEnd = stringEnd(text, i)
    const key = JSON.parse(text.slice(keyStart, keyEnd)) as string
    i = skipWhitespace(text, keyEnd) + 1 // past ':'
    const valueStart = skipWhitespace(text, i)
    const end = valueEnd(text, valueStart)
    members.push({ key, keyStart, valueStart, valueEnd: end })
    i = skipWhitespace(text, end)
    if (text[i] === ',') i = skipWhitespace(text, i + 1)
  }
  return { members, end: i + 1 }
}

/** The spans of the elements of the array whose `[` is at `start`. */
export function arrayElements(text: string, start: number): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = []
  let i = skipWhitespace(text, start + 1)
  while (i < text.length && text[i] !== ']') {
    const end = valueEnd(text, i)
    out.push({ start: i, end })
    i = skipWhitespace(text, end)
    if (text[i] === ',') i = skipWhitespace(text, i + 1)
  }
  return out
}

/**
 * The compact form of JSON text as written: insignificant whitespace removed, everything else (key order,
 * number spelling, string escapes) unchanged.
 * @example compactJsonText('{ "b": 1,\n "a": [1, 2] }') // '{"b":1,"a":[1,2]}'
 */
export function compactJsonText(text: string): string {
  let out = ''
  let from = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (c === '"') {
      i = stringEnd(text, i) - 1
    } else if (WS.has(c)) {
      out += text.slice(from, i)
      from = i + 1
    }
  }
  return out + text.slice(from)
}
