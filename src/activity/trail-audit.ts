import { bytesToHex } from '../crypto/bytes.ts'
import { merkleRootFromLeafHashes } from '../crypto/merkle.ts'
import { evaluateRound } from '../attestation/round.ts'
import { grantStatus } from '../consent/status.ts'
import { scopeMatches } from '../consent/scope.ts'
import type { GrantVerification } from '../schema/evidence-grant.ts'
import type { KeysFile } from '../schema/evidence-scp.ts'
import { SCP_ROLES } from '../schema/evidence-scp.ts'
import type { Batch, FindingCode, Round, TrailReport } from '../schema/evidence-trail.ts'
import type { DdcRecord } from './ddc-record.ts'
import { normalizeKey } from './keys.ts'
import type { NodeAnswer } from './node-answer.ts'
import type { ScpRecord } from './scp-record.ts'
import { verifySignature } from './signature.ts'
import { RecordIndex } from './record-index.ts'
import { trailEntry, type TrailEntry } from './trail-entry.ts'

const VALID = 1
const ATTESTED = 2

/** What the audit checks against. Without `grants` only signatures, structure, keys, batches and rounds are checked. */
export type AuditOptions = {
  /** grants as returned by verifyGrant (signature and parsed payload); their status is derived at each record's time */
  grants?: GrantVerification[]
  keys?: KeysFile
  /** only this agent's records (hex or ed25519:hex); others are counted as excluded */
  agent?: string
  /** only records timed within [from, to] */
  period?: { from: Date; to: Date }
}

/**
 * A streaming trail audit: feed it verified entries (from any thread), batches and rounds in any order, then `finish`.
 * Memory per record: its id and 32-byte leaf hash in a compact RecordIndex (for duplicates, batch roots and
 * attestation); everything else is aggregated.
 * @example const a = createTrailAuditor({ grants, keys }); a.addEntry(trailEntry(record)); const report = a.finish()
 */
export function createTrailAuditor(options: AuditOptions) {
  const agentFilter = options.agent ? normalizeKey(options.agent) : null
  const index = new RecordIndex()
  const batches: Batch[] = []
  const rounds: Round[] = []
  const invalid: TrailReport['invalid'] = []
  const findings: TrailReport['findings'] = []
  const byScope: TrailReport['totals']['byScope'] = {}
  let records = 0
  let signatures = 0
  let validSignatures = 0
  let valid = 0
  let outOfScope = 0
  let excluded = 0
  const finding = (code: FindingCode, message: string, recordId?: string) => findings.push({ code, ...(recordId !== undefined ? { recordId } : {}), message })
  const keyEntries = options.keys ? new Map(Object.entries(options.keys.agents).map(([agent, roles]) => [normalizeKey(agent), roles])) : null

  function addEntry(entry: TrailEntry): void {
    if (!selected(entry)) {
      // outside the agent/period selection, yet still a leaf of the batches that list it (never VALID: not reported)
      excluded++
      index.add(entry.recordId, entry.leafHash)
      return
    }
    records++
    const v = entry.verification
    signatures += v.signatures
    validSignatures += v.validSignatures
    const reasons = [...v.reasons]
    const n = index.add(entry.recordId, entry.leafHash)
    if (n === -1) {
      finding('DUPLICATE_RECORD', `record id ${entry.recordId} appears more than once${entry.file ? ` (again in ${entry.file})` : ''}`, entry.recordId)
      reasons.push('duplicate record id')
    }
    if (entry.kind === 'scp' && keyEntries) reasons.push(...roleKeyProblems(entry))
    if (v.reasons.length) finding('INVALID_SIGNATURE', v.reasons.join('; '), entry.recordId)
    if (reasons.length) invalid.push({ recordId: entry.recordId, ...(entry.file !== undefined ? { file: entry.file } : {}), reason: reasons.join('; ') })
    else {
      valid++
      index.setFlags(n, VALID)
    }
    if (entry.kind === 'scp' && options.grants) {
      const problem = coverageProblem(entry, options.grants)
      if (problem) {
        outOfScope++
        finding(problem.code, problem.message, entry.recordId)
      }
    }
    if (entry.scope !== null) {
      const t = (byScope[entry.scope] ??= { records: 0, bytes: 0, ops: 0, cpu_ms: 0, gpu_units: 0 })
      t.records++
      t.ops++
      t.bytes += entry.bytes
      t.cpu_ms += entry.cpuMs
      t.gpu_units = Math.round((t.gpu_units + entry.gpuUnits) * 1e6) / 1e6
    }
  }

  function selected(entry: TrailEntry): boolean {
    if (agentFilter && entry.agent !== agentFilter && (entry.agent !== null || entry.kind === 'scp')) return false
    return !(options.period && entry.timeMs !== null && (entry.timeMs < options.period.from.getTime() || entry.timeMs > options.period.to.getTime()))
  }

  function roleKeyProblems(entry: TrailEntry): string[] {
    const registered = keyEntries!.get(entry.agent ?? '')
    if (!registered) {
      finding('KEY_NOT_REGISTERED', `agent ${entry.agent} has no entry in the keys file`, entry.recordId)
      return [`agent ${entry.agent} is not in the keys file`]
    }
    const out: string[] = []
    for (const role of SCP_ROLES) {
      const expected = normalizeKey(registered[role])
      const got = entry.roleSigners[role]
      if (got !== undefined && got !== expected) {
        finding('ROLE_KEY_MISMATCH', `${role} signed with 0x${got}, the keys file registers 0x${expected}`, entry.recordId)
        out.push(`${role} signer is not the key registered for that role`)
      }
    }
    if (normalizeKey(registered['agent-derived-key']) !== entry.agent) {
      finding('ROLE_KEY_MISMATCH', `the keys file registers agent-derived-key 0x${normalizeKey(registered['agent-derived-key'])} for agent 0x${entry.agent}`, entry.recordId)
      out.push('the registered agent-derived-key is not the record\'s agent')
    }
    return out
  }

  return {
    addEntry,
    /** Verifies a decoded record in this thread and adds it. */
    addRecord(record: ScpRecord | DdcRecord | NodeAnswer, verify: typeof verifySignature = verifySignature): TrailEntry {
      const entry = trailEntry(record, verify)
      addEntry(entry)
      return entry
    },
    addBatch(batch: Batch): void {
      batches.push(batch)
    },
    addRound(round: Round): void {
      rounds.push(round)
    },
    finish(verify: typeof verifySignature = verifySignature): TrailReport {
      const batchReports: TrailReport['batches'] = []
      const batchIds = new Map<string, string[]>()
      for (const batch of batches) {
        const hashes: Uint8Array[] = []
        let missing = 0
        for (const id of batch.records) {
          const at = index.find(id)
          if (at === -1) {
            missing++
            finding('BATCH_RECORD_MISSING', `batch ${batch.root} lists record ${id}, which is not in the trail`, id)
          } else hashes.push(index.leafHash(at))
        }
        const matches = missing === 0 && bytesToHex(merkleRootFromLeafHashes(hashes)) === batch.root.toLowerCase()
        if (!matches && missing === 0) finding('BATCH_ROOT_MISMATCH', `batch of cluster ${batch.cluster} era ${batch.era}: root over the listed records is not ${batch.root}`)
        batchReports.push({ cluster: batch.cluster, era: batch.era, root: batch.root.toLowerCase(), records: batch.records.length, matches })
        if (matches) batchIds.set(batchKey(batch.cluster, batch.era, batch.root), batch.records)
      }
      const roundReports: TrailReport['rounds'] = []
      for (const round of rounds) {
        const result = evaluateRound(round, verify)
        roundReports.push({ cluster: result.cluster, era: result.era, batch_root: result.batch_root, passed: result.passed, agreeing: result.agreeing, assigned: result.assigned, threshold: result.threshold })
        const key = batchKey(result.cluster, result.era, result.batch_root)
        const ids = batchIds.get(key)
        if (!batches.some((b) => batchKey(b.cluster, b.era, b.root) === key)) finding('ROUND_WITHOUT_BATCH', `round of cluster ${round.cluster} era ${round.era} attests batch root ${result.batch_root}, which no batch of that cluster and era in the trail has`)
        if (!result.passed) finding('ROUND_FAILED', `round of cluster ${round.cluster} era ${round.era} on ${result.batch_root}: ${result.agreeing} of ${result.assigned} assigned validators agree, ${result.threshold} needed`)
        else if (ids) for (const id of ids) index.setFlags(index.find(id), ATTESTED)
      }
      let attestedCount = 0
      if (rounds.length > 0) {
        for (let n = 0; n < index.size; n++) {
          const flags = index.flags(n)
          if (!(flags & VALID)) continue
          if (flags & ATTESTED) attestedCount++
          else finding('NOT_ATTESTED', `record ${index.id(n)} is in no batch attested by a passed validator round`, index.id(n))
        }
      }
      return {
        type: 'ccp-bridge/trail-report/v1',
        agent: agentFilter ? `0x${agentFilter}` : null,
        period: options.period ? { from: options.period.from.toISOString(), to: options.period.to.toISOString() } : null,
        audited: options.grants !== undefined,
        keysChecked: options.keys !== undefined,
        records,
        signatures,
        validSignatures,
        valid,
        invalid,
        findings,
        outOfScope,
        excluded,
        attested: attestedCount,
        batches: batchReports,
        rounds: roundReports,
        totals: { byScope },
        ok: invalid.length === 0 && findings.length === 0,
      }
    },
  }
}

/** A round attests (cluster, era, batch root): a batch counts only for a round on all three. */
function batchKey(cluster: string, era: number, root: string): string {
  return `${cluster}\u0000${era}\u0000${root.toLowerCase()}`
}

function coverageProblem(entry: TrailEntry, grants: GrantVerification[]): { code: FindingCode; message: string } | undefined {
  const scope = entry.scope ?? ''
  const forScope = grants.filter((g) => g.scopes.some((s) => scopeMatches(s, scope)))
  const forAgent = forScope.filter((g) => normalizeKey(g.grant.agent_service_pub_key) === entry.agent)
  if (forScope.length === 0) return { code: 'NO_COVERING_GRANT', message: `no grant covers scope "${scope}"` }
  if (forAgent.length === 0) return { code: 'GRANT_AGENT_MISMATCH', message: `the grants for scope "${scope}" name another agent_service_pub_key than the record's agent 0x${entry.agent}` }
  const signed = forAgent.filter((g) => g.signatureValid)
  if (signed.length === 0) return { code: 'GRANT_SIGNATURE_INVALID', message: `the only grants for scope "${scope}" and this agent have invalid signatures (${forAgent.map((g) => g.hash).join(', ')})` }
  const at = new Date(entry.timeMs ?? Number.NaN)
  const statuses = signed.map((g) => grantStatus(g.grant, at))
  if (!statuses.includes('active')) return { code: 'GRANT_NOT_ACTIVE', message: `no grant for scope "${scope}" was active at ${Number.isNaN(at.getTime()) ? 'the record time' : at.toISOString()} (${signed.map((g, i) => `${g.hash}: ${statuses[i]}`).join(', ')})` }
  return undefined
}

/**
 * The whole trail audit in one call (records verified in this thread): signatures, role keys, grant coverage at each
 * record's time with the same agent key and a matching scope, duplicate ids, batch roots, and validator rounds.
 * @example const report = auditTrail({ records, batches, rounds, grants, keys }); report.ok
 */
export function auditTrail(input: AuditOptions & { records: Array<ScpRecord | DdcRecord | NodeAnswer>; batches?: Batch[]; rounds?: Round[] }): TrailReport {
  const auditor = createTrailAuditor(input)
  for (const record of input.records) auditor.addRecord(record)
  for (const batch of input.batches ?? []) auditor.addBatch(batch)
  for (const round of input.rounds ?? []) auditor.addRound(round)
  return auditor.finish()
}
