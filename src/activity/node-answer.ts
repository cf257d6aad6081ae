import { BridgeError } from '../errors.ts'
import { base64ToBytes, bytesToHex, utf8 } from '../crypto/bytes.ts'
import { blake2b256 } from '../crypto/hash.ts'
import { objectMembers, skipWhitespace, compactJsonText } from './json-text.ts'
import type { SignatureCheck } from './signature.ts'
import { signatureProblem } from './signature.ts'

/** A signed JSON answer of a DDC node, with the exact bytes its signature covers. */
export type NodeAnswer = { kind: 'node-answer'; recordId: string; file?: string; payloadBytes: Uint8Array; checks: SignatureCheck[] }

/**
 * Reads a node's signed answer `{ payload, signer, signature }` (signer, signature: base64). The signed bytes are the
 * compact JSON of `payload` as the node wrote it (whitespace removed from the file's own text, key order, numbers and
 * escapes untouched), so large integers are never rounded through a re-serialisation.
 * @example parseNodeAnswer(text, { file: 'resp.json' }).checks[0]
 */
export function parseNodeAnswer(text: string, origin: { file?: string } = {}): NodeAnswer {
  const file = origin.file !== undefined ? { file: origin.file } : {}
  const open = skipWhitespace(text, 0)
  if (text[open] !== '{') throw new BridgeError('NODE_ANSWER_INVALID', 'expected a JSON object {payload, signer, signature}', { ...file, path: '$' })
  const { members } = objectMembers(text, open)
  const get = (key: string) => members.find((m) => m.key === key)
  const payload = get('payload')
  const signer = get('signer')
  const signature = get('signature')
  if (!payload || !signer || !signature) {
    throw new BridgeError('NODE_ANSWER_INVALID', 'a signed node answer needs payload, signer and signature', { ...file, path: '$' })
  }
  const readB64 = (m: typeof signer, name: string) => {
    const raw = JSON.parse(text.slice(m.valueStart, m.valueEnd)) as unknown
    if (typeof raw !== 'string') throw new BridgeError('NODE_ANSWER_INVALID', `${name} must be a base64 string`, { ...file, path: `$.${name}` })
    return base64ToBytes(raw, { ...file, path: `$.${name}` })
  }
  const signerBytes = readB64(signer, 'signer')
  const value = readB64(signature, 'signature')
  const payloadBytes = utf8.encode(compactJsonText(text.slice(payload.valueStart, payload.valueEnd)))
  const problem = signatureProblem('ed25519', signerBytes, value)
  const check: SignatureCheck = { path: 'signature', algorithm: 'ed25519', signer: signerBytes, value, message: payloadBytes, ...(problem ? { problem } : {}) }
  // one node signs many answers: the id names the signer and what it signed
  const recordId = `node-answer:${bytesToHex(signerBytes)}:${bytesToHex(blake2b256(payloadBytes)).slice(2)}`
  return { kind: 'node-answer', recordId, ...file, payloadBytes, checks: [check] }
}
