import canonicalize from 'canonicalize'
import { BridgeError } from '../errors.ts'
import { illFormedStringPath } from '../json/ill-formed-string.ts'
import { jsonPath } from '../schema/json-path.ts'
import { utf8 } from './bytes.ts'

/**
 * RFC 8785 (JCS) canonical JSON text of a value, through the `canonicalize` library.
 * @example canonicalJson({ b: 1, a: 2 }) // '{"a":2,"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const illFormed = illFormedStringPath(value)
  if (illFormed) throw new BridgeError('JSON_LONE_SURROGATE', 'a lone UTF-16 surrogate in a string: RFC 8785 canonical JSON needs valid Unicode', { path: jsonPath(illFormed) })
  const text = canonicalize(value)
  if (text === undefined) throw new BridgeError('NOT_CANONICALIZABLE', 'value has no JSON form', { kind: 'internal' })
  return text
}

/** UTF-8 bytes of the RFC 8785 canonical JSON. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return utf8.encode(canonicalJson(value))
}
