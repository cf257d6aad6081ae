import { BridgeError } from '../errors.ts'
import { base64ToBytes, bytesToHex, hexToBytes, utf8 } from '../crypto/bytes.ts'
import { publicKeyFromText } from '../crypto/ss58.ts'
import { SCP_ROLES, ScpEnvelopeSchema, ScpPayloadSchema, type ScpPayload } from '../schema/evidence-scp.ts'
import { zodIssues } from '../schema/zod-issues.ts'
import { parseJson } from '../json/parse-json.ts'
import { normalizeKey } from './keys.ts'
import { verifyChecks, type RecordVerification } from './record-verification.ts'
import { signatureProblem, verifySignature, type SignatureCheck } from './signature.ts'

/**
 * A parsed SCP agent record: the exact payload bytes every role signed, the parsed payload, and one check per
 * signature (`role` says whose). `where` names the item in its file (`line 3`, `$.records[2]`).
 * @example parseScpRecord(JSON.parse(line), { file: 'trail.jsonl', where: 'line 1' }).recordId // 'dac-0001'
 */
export type ScpRecord = {
  kind: 'scp'
  recordId: string
  file?: string
  where: string
  payloadBytes: Uint8Array
  payload: ScpPayload
  checks: Array<SignatureCheck & { role: string }>
}

/**
 * Parses an SCP record envelope `{ payload: base64url(JSON), signatures: [{role, algorithm, signer, value}] }`.
 * Unreadable parts (schema, base64, payload not JSON, bad hex, SS58 of another network) throw a BridgeError naming
 * the file, the item and the field; malformed signatures (lengths, algorithm) become failed checks.
 * @example parseScpRecord(envelope, { file: 'a.json', where: '$' })
 */
export function parseScpRecord(value: unknown, origin: { file?: string; where?: string } = {}): ScpRecord {
  const file = origin.file !== undefined ? { file: origin.file } : {}
  const where = origin.where ?? '$'
  const at = (path: string) => ({ ...file, path: where.startsWith('$') ? where + path.slice(1) : `${where} ${path}` })
  const envelope = ScpEnvelopeSchema.safeParse(value)
  if (!envelope.success) {
    const issue = zodIssues(envelope.error)[0]!
    throw new BridgeError('SCP_RECORD_INVALID', `SCP record envelope: ${issue.message}`, at(issue.path))
  }
  const payloadBytes = base64ToBytes(envelope.data.payload, at('$.payload'))
  let json: unknown
  try {
    json = parseJson(utf8.decode(payloadBytes), at('$.payload(decoded)'))
  } catch (cause) {
    // a key twice in the signed payload (two readers would see two records) or a lone surrogate: refused with its path
    if (cause instanceof BridgeError && cause.code !== 'INPUT_NOT_JSON' && cause.code !== 'INPUT_EMPTY') throw cause
    throw new BridgeError('SCP_PAYLOAD_NOT_JSON', 'SCP record payload (base64url-decoded) is not UTF-8 JSON', { ...at('$.payload'), details: (cause as Error).message, cause })
  }
  const payload = ScpPayloadSchema.safeParse(json)
  if (!payload.success) {
    const issue = zodIssues(payload.error)[0]!
    const id = typeof (json as { record_id?: unknown })?.record_id === 'string' ? ` of record ${(json as { record_id: string }).record_id}` : ''
    throw new BridgeError('SCP_PAYLOAD_INVALID', `SCP record payload${id}: ${issue.message}`, at(`$.payload(decoded)${issue.path.slice(1)}`))
  }
  const recordId = payload.data.record_id
  const checks = envelope.data.signatures.map((s, i) => {
    const path = `signatures[${i}] (${s.role})`
    const signer = publicKeyFromText(s.signer, at(`$.signatures[${i}].signer`))
    const sigValue = hexToBytes(s.value, at(`$.signatures[${i}].value`))
    const algorithm = s.algorithm.toLowerCase()
    const problem = (SCP_ROLES as readonly string[]).includes(s.role) ? signatureProblem(algorithm, signer, sigValue) : `unknown role ${JSON.stringify(s.role)} (expected ${SCP_ROLES.join(', ')})`
    return { role: s.role, path, algorithm, signer, value: sigValue, message: payloadBytes, ...(problem ? { problem } : {}) }
  })
  return { kind: 'scp', recordId, ...file, where, payloadBytes, payload: payload.data, checks }
}

/**
 * Verifies an SCP record's signatures: every role (agent-derived-key, orchestrator, agent-runtime) present exactly
 * once, each signature valid over the exact payload bytes, and the agent-derived-key signer equal to the record's `agent`.
 * @example verifySignedRecord(parseScpRecord(envelope)).valid // true
 */
export function verifySignedRecord(record: ScpRecord, verify: typeof verifySignature = verifySignature): RecordVerification {
  const reasons: string[] = []
  for (const role of SCP_ROLES) {
    const count = record.checks.filter((c) => c.role === role).length
    if (count === 0) reasons.push(`missing the ${role} signature (all of ${SCP_ROLES.join(', ')} are required)`)
    if (count > 1) reasons.push(`${count} signatures for role ${role}, expected one`)
  }
  const derived = record.checks.find((c) => c.role === 'agent-derived-key')
  if (derived && normalizeKey(bytesToHex(derived.signer)) !== normalizeKey(record.payload.agent)) {
    reasons.push(`the agent-derived-key signer ${bytesToHex(derived.signer)} is not the record's agent ${record.payload.agent}`)
  }
  return verifyChecks(record.recordId, record.checks, record.file, verify, reasons)
}
