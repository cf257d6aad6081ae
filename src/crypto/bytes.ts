import { BridgeError, type ErrorLocation } from '../errors.ts'

/**
 * Strict decoders for hex and base64 text: each failure names where the text came from.
 * @example hexToBytes('0xdead', { path: '$.signature.value' }) // Uint8Array [0xde, 0xad]
 */
export function hexToBytes(text: string, where: ErrorLocation = {}, expectedLength?: number): Uint8Array {
  const body = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) {
    throw new BridgeError('BAD_HEX', `expected hex bytes, got ${JSON.stringify(abbreviate(text))}`, where)
  }
  const bytes = Uint8Array.from(Buffer.from(body, 'hex'))
  if (expectedLength !== undefined && bytes.length !== expectedLength) {
    throw new BridgeError('BAD_LENGTH', `expected ${expectedLength} bytes, got ${bytes.length}`, where)
  }
  return bytes
}

/** Lower-case hex with a 0x prefix. @example bytesToHex(new Uint8Array([1])) // '0x01' */
export function bytesToHex(bytes: Uint8Array): `0x${string}` {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`
}

/**
 * Decodes base64 or base64url (padding optional), refusing any other character.
 * @example base64ToBytes('AQI') // Uint8Array [1, 2]
 */
export function base64ToBytes(text: string, where: ErrorLocation = {}): Uint8Array {
  const body = text.replace(/=+$/, '')
  if (!/^[A-Za-z0-9+/_-]*$/.test(body) || body.length % 4 === 1) {
    throw new BridgeError('BAD_BASE64', `expected base64 text, got ${JSON.stringify(abbreviate(text))}`, where)
  }
  return Uint8Array.from(Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64'))
}

/** base64url without padding. @example bytesToBase64Url(new Uint8Array([1, 2])) // 'AQI' */
export function bytesToBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0
}

export const utf8 = {
  encode: (text: string): Uint8Array => new TextEncoder().encode(text),
  decode: (bytes: Uint8Array): string => new TextDecoder('utf-8', { fatal: true }).decode(bytes),
}

function abbreviate(text: string): string {
  return text.length > 24 ? `${text.slice(0, 21)}...` : text
}
