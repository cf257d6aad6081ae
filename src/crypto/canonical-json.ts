import canonicalize from 'canonicalize'
import { BridgeError } from '../errors.ts'
import { utf8 } from './bytes.ts'

/**
 * RFC 8785 (JCS) canonical JSON text of a value, through the `canonicalize` library.
 * @example canonicalJson({ b: 1, a: 2 }) // '{"a":2,"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value)
  if (text === undefined) throw new BridgeError('NOT_CANONICALIZABLE', 'value has no JSON form', { kind: 'internal' })
  return text
}

/** UTF-8 bytes of the RFC 8785 canonical JSON. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return utf8.encode(canonicalJson(value))
}
