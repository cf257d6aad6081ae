import { stat } from 'node:fs/promises'
import { BridgeError } from '../../../src/errors.ts'
import { createTrailAuditor } from '../../../src/activity/trail-audit.ts'
import { sr25519Ready } from '../../../src/crypto/sr25519.ts'
import type { GrantVerification } from '../../../src/schema/evidence-grant.ts'
import type { Round, TrailReport } from '../../../src/schema/evidence-trail.ts'
import { readKeysFile } from '../../files/keys.ts'
import { unreadableError } from '../../files/unreadable.ts'
import { defaultWorkerCount } from '../../workers/pool.ts'
import { verifyTrailFiles } from '../../workers/verify-trail.ts'
import { parseCommandArgs, parseInteger, parseNow, requirePositional } from '../args.ts'
import { printJson, progress, progressDone } from '../output.ts'

const USAGE = `Usage: ccp-bridge trail verify <file>... [--grants <file or folder>] [--keys <file>] [--agent KEY]
                               [--from ISO] [--to ISO] [--now ISO] [--workers N] [--json]

Verifies DDC activity records (.pb ChallengeResponse or ActivityRecord), nodes' signed JSON answers and SCP agent
records (JSON or JSON Lines, with batches and validator rounds). Without --grants: signatures and structure only;
with --grants: the full trail audit (consent coverage at each record's time, scopes, agent keys).
Exit 0 when everything verifies, 1 when anything does not, 2 for malformed input.
--workers N: verification threads (default: 0 for small inputs, every core above 2 MiB).
`

const AUTO_WORKERS_ABOVE = 2 * 1024 * 1024

/**
 * `ccp-bridge trail verify <file>...`: verify every record's signatures and, with `--grants`, audit the trail.
 * @example await run(['verify', 'challenge_response.pb', '--json'])
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      grants: { type: 'string' },
      keys: { type: 'string' },
      agent: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      now: { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'ccp-bridge trail',
  )
  if (values.help) {
    process.stdout.write(USAGE)
    return 0
  }
  const sub = requirePositional(positionals, 0, 'subcommand (verify)')
  if (sub !== 'verify') throw new BridgeError('BAD_ARGUMENTS', `unknown subcommand trail ${JSON.stringify(sub)}`, { details: 'expected: trail verify <file>...' })
  const files = positionals.slice(1)
  if (files.length === 0) throw new BridgeError('BAD_ARGUMENTS', 'missing trail file(s)', { details: USAGE.split('\n')[0] })
  const now = parseNow(values.now)
  if ((values.from === undefined) !== (values.to === undefined)) throw new BridgeError('BAD_ARGUMENTS', '--from and --to go together')
  const period = values.from !== undefined ? { from: parseNow(values.from), to: parseNow(values.to) } : undefined
  // grant checking (and @polkadot/util-crypto behind it) is loaded only when asked for: a long trail verify stays small
  const grants = values.grants !== undefined ? await loadGrants(values.grants, now) : undefined
  const keys = values.keys !== undefined ? await readKeysFile(values.keys) : undefined
  let total = 0
  for (const file of files) {
    try {
      total += (await stat(file)).size
    } catch (cause) {
      throw unreadableError(file, cause)
    }
  }
  const workers = parseInteger('workers', values.workers) ?? (total > AUTO_WORKERS_ABOVE ? defaultWorkerCount() : 0)
  const auditor = createTrailAuditor({ ...(grants ? { grants } : {}), ...(keys ? { keys } : {}), ...(values.agent ? { agent: values.agent } : {}), ...(period ? { period } : {}) })
  let last = 0
  let srVotes = false
  const sink = {
    addEntry: auditor.addEntry,
    addBatch: auditor.addBatch,
    addRound: (round: Round) => {
      srVotes ||= round.votes.some((v) => v.algorithm.toLowerCase() === 'sr25519')
      auditor.addRound(round)
    },
  }
  await verifyTrailFiles(files, sink, {
    workers,
    onProgress: (n) => {
      if (n - last >= 10_000) {
        last = n
        progress(`verified ${n.toLocaleString('en')} records`)
      }
    },
  })
  progressDone()
  if (srVotes) await sr25519Ready()
  const report = auditor.finish()
  if (values.json) printJson(report)
  else process.stdout.write(describe(report))
  return report.ok ? 0 : 1
}

async function loadGrants(path: string, now: Date): Promise<GrantVerification[]> {
  const [{ readGrantSources }, { verifyGrant }] = await Promise.all([import('../../files/grants.ts'), import('../../../src/consent/verify-grant.ts')])
  await sr25519Ready()
  return (await readGrantSources(path)).map((source) => verifyGrant(source, now))
}

function describe(r: TrailReport): string {
  const lines = [
    `records     ${r.records} (${r.valid} valid, ${r.invalid.length} invalid${r.excluded ? `, ${r.excluded} outside the agent/period selection` : ''})`,
    `signatures  ${r.signatures} (${r.validSignatures} valid)`,
    `audit       ${r.audited ? `consent checked: ${r.outOfScope} record(s) out of scope` : 'signatures and structure only (no --grants)'}${r.keysChecked ? '; role keys checked' : ''}`,
  ]
  for (const b of r.batches) lines.push(`batch       ${b.cluster} era ${b.era} root ${b.root}: ${b.records} records, root ${b.matches ? 'matches' : 'DOES NOT MATCH'}`)
  for (const round of r.rounds) lines.push(`round       ${round.cluster} era ${round.era}: ${round.agreeing}/${round.assigned} agree (need ${round.threshold}) → ${round.passed ? 'PASS' : 'FAIL'}`)
  for (const [scope, t] of Object.entries(r.totals.byScope)) lines.push(`scope       ${scope}: ${t.records} records, ${t.bytes} bytes, ${t.ops} ops, cpu ${t.cpu_ms} ms, gpu ${t.gpu_units} units`)
  for (const i of r.invalid.slice(0, 50)) lines.push(`INVALID     ${i.recordId}${i.file ? ` (${i.file})` : ''}: ${i.reason}`)
  for (const f of r.findings.slice(0, 50)) lines.push(`finding     ${f.code}${f.recordId ? ` ${f.recordId}` : ''}: ${f.message}`)
  if (r.invalid.length + r.findings.length > 100) lines.push(`…           (use --json for the full list)`)
  lines.push(`result      ${r.ok ? 'OK: everything verifies' : 'NOT OK'}`)
  return `${lines.join('\n')}\n`
}
