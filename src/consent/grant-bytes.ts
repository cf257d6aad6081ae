import { BridgeError } from '../errors.ts'
import { base64ToBytes, utf8 } from '../crypto/bytes.ts'
import { objectMembers, skipWhitespace, valueEnd } from '../activity/json-text.ts'
import { parseJson } from '../json/parse-json.ts'

/** Where a grant's text came from: the file and the JSON path of the grant inside it. */
export type GrantSource = { text: string; file?: string; path?: string }

/** The exact bytes a grant's signature covers, the parsed payload and the raw signature object. */
export type SignedGrantBytes = { form: 'envelope' | 'expanded'; payloadBytes: Uint8Array; payload: unknown; signature: unknown }

/**
 * Finds the bytes a GAR grant signature covers. Envelope form: the base64url-decoded `payload`.
 * Expanded form (seed 000): the grant object's exact text, from its `{` to its `}` (whitespace around the object
 * is not part of it), with the `"signature"` member cut out (its key, value, one adjacent comma and the whitespace
 * between them), nothing else changed.
 * @example signedGrantBytes({ text, file: 'grant.json' }).payloadBytes
 */
export function signedGrantBytes(source: GrantSource): SignedGrantBytes {
  const where = { ...(source.file !== undefined ? { file: source.file } : {}) }
  const base = source.path ?? '$'
  // strict: a key written twice ({"revoked":true,"revoked":false}) is refused, never read one way here and another elsewhere
  const value = parseJson(source.text, { ...where, path: base, what: 'the grant', code: 'GRANT_NOT_JSON' })
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BridgeError('GRANT_NOT_OBJECT', 'expected a grant object (an envelope {payload, signature} or the expanded form)', { ...where, path: base })
  }
  const object = value as Record<string, unknown>
  if (!('signature' in object)) throw new BridgeError('GRANT_UNSIGNED', 'grant has no "signature" member', { ...where, path: base })
  if (typeof object.payload === 'string') {
    const payloadPath = `${base}.payload`
    const payloadBytes = base64ToBytes(object.payload, { ...where, path: payloadPath })
    let text: string
    try {
      text = utf8.decode(payloadBytes)
    } catch (cause) {
      throw new BridgeError('GRANT_PAYLOAD_NOT_UTF8', 'grant payload is not UTF-8 text', { ...where, path: payloadPath, cause })
    }
    const payload = parseJson(text, { ...where, path: `${payloadPath}(decoded)`, what: 'the grant payload (base64url-decoded)', code: 'GRANT_PAYLOAD_NOT_JSON' })
    return { form: 'envelope', payloadBytes, payload, signature: object.signature }
  }
  const open = skipWhitespace(source.text, 0)
  const cut = cutMember(source.text.slice(open, valueEnd(source.text, open)), 'signature')
  const { signature, ...payload } = object
  return { form: 'expanded', payloadBytes: utf8.encode(cut), payload, signature }
}

/**
 * The object text with one top-level member removed: from the end of the previous value (so its comma goes) to
 * the end of the member's value; when it is the first member, from its key to the start of the next key.
 * @example cutMember('{"a":1,"signature":{}}', 'signature') // '{"a":1}'
 */
export function cutMember(text: string, key: string): string {
  const open = skipWhitespace(text, 0)
  const { members } = objectMembers(text, open)
  const index = members.findIndex((m) => m.key === key)
  const member = members[index]
  if (!member) return text
  const previous = members[index - 1]
  const next = members[index + 1]
  if (previous) return text.slice(0, previous.valueEnd) + text.slice(member.valueEnd)
  if (next) return text.slice(0, member.keyStart) + text.slice(next.keyStart)
  return text.slice(0, member.keyStart) + text.slice(member.valueEnd)
}
