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
import { queueUrl } from '../../queue/queue-url.ts'
import { parseCommandArgs, parseInteger, parseNow, parseTime, requirePositional } from '../args.ts'
import { printable, printJson, progress, progressDone, writeErr, writeOut } from '../output.ts'

const USAGE = `Usage: ccp-bridge trail verify <file>... [--grants <file or folder>] [--keys <file>] [--agent KEY]
                               [--from ISO] [--to ISO] [--now ISO] [--workers N] [--json]
                               [--queue URL [--batch-bytes N] [--lease SECONDS]]

Verifies DDC activity records (.pb ChallengeResponse or ActivityRecord), nodes' signed JSON answers and SCP agent
records (JSON or JSON Lines, with batches and validator rounds). Without --grants: signatures and structure only;
with --grants: the full trail audit (consent coverage at each record's time, scopes, agent keys).
Exit 0 when everything verifies, 1 when anything does not, 2 for malformed input or when nothing was checked (no
record in the files, or none within --agent/--from/--to).
--workers N: verification threads (default: 0 for small inputs, every core above 2 MiB; at most one per core, and
             no more than the trail has batches of work).
--queue URL: verify through the job queue in this PostgreSQL database instead: the trail is cut into batches of about
             --batch-bytes (default 1 MiB; never splitting a record), \`ccp-bridge worker\` processes on any machines
             verify them, and this process assembles the same report as a local run. A batch whose worker dies is
             retried by another after --lease seconds (default 60). Paths are resolved here: every worker must see
             the files at the same absolute paths.
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
      queue: { type: 'string' },
      'batch-bytes': { type: 'string' },
      lease: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'ccp-bridge trail',
    { verify: ['file...'] },
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
  const period = values.from !== undefined ? { from: parseTime('from', values.from)!, to: parseTime('to', values.to) ?? new Date() } : undefined
  if (period && period.from.getTime() > period.to.getTime()) {
    throw new BridgeError('BAD_ARGUMENTS', `--from ${period.from.toISOString()} is after --to ${period.to.toISOString()}: the period is empty, nothing would be checked`)
  }
  const queue = queueOptions(values)
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
  if (queue) {
    // the queue (pg-boss and the SQL clients) is loaded only with --queue: the local path loads nothing more
    const { verifyTrailQueued } = await import('../../queue/trail-coordinator.ts')
    const stop = new AbortController()
    const onSignal = () => stop.abort()
    process.once('SIGINT', onSignal)
    try {
      // the progress line is built only for a terminal (formatting numbers is not free)
      const onProgress = process.stderr.isTTY ? (p: Parameters<typeof queueProgressLine>[0]) => progress(queueProgressLine(p)) : undefined
      await verifyTrailQueued(files, sink, { ...queue, signal: stop.signal, ...(onProgress ? { onProgress } : {}), onNote: (line) => writeErr(`note: ${line}\n`) })
    } finally {
      process.off('SIGINT', onSignal)
      progressDone()
    }
  } else {
    await verifyTrailFiles(files, sink, {
      workers,
      onProgress: (n) => {
        if (n - last >= 10_000) {
          last = n
          progress(`verified ${n.toLocaleString('en')} records`)
        }
      },
    })
  }
  progressDone()
  if (srVotes) await sr25519Ready()
  const report = auditor.finish()
  refuseNothingChecked(report, files)
  if (values.json) printJson(report)
  else writeOut(describe(report))
  return report.ok ? 0 : 1
}

/** `--queue URL [--batch-bytes N] [--lease S]`, checked; undefined for a local run (where the other two are refused). */
function queueOptions(values: { queue?: string | undefined; workers?: string | undefined; 'batch-bytes'?: string | undefined; lease?: string | undefined }) {
  if (values.queue === undefined) {
    if (values['batch-bytes'] !== undefined || values.lease !== undefined) throw new BridgeError('BAD_ARGUMENTS', '--batch-bytes and --lease go with --queue')
    return undefined
  }
  if (values.workers !== undefined) throw new BridgeError('BAD_ARGUMENTS', '--workers sets the threads of a local run; with --queue each `ccp-bridge worker` takes its own --workers')
  const url = queueUrl(values.queue)
  const batchBytes = parseInteger('batch-bytes', values['batch-bytes'], { min: 1024, max: 1 << 30 })
  const leaseSeconds = parseInteger('lease', values.lease, { min: 1, max: 86_400 })
  return { url, ...(batchBytes !== undefined ? { batchBytes } : {}), ...(leaseSeconds !== undefined ? { leaseSeconds } : {}) }
}

/** `verified 120,000 of 1,000,000 records (12%), 9,800 records/s, 1 min 30 s left` */
function queueProgressLine(p: { records: number; total: number; seconds: number }): string {
  const total = Math.max(p.total, p.records)
  const rate = p.seconds > 0 ? p.records / p.seconds : 0
  const left = rate > 0 ? (total - p.records) / rate : undefined
  const time = left === undefined ? 'estimating the time left' : `${left >= 60 ? `${Math.floor(left / 60)} min ` : ''}${Math.round(left % 60)} s left`
  return `verified ${p.records.toLocaleString('en')} of ${total.toLocaleString('en')} records (${total ? Math.floor((100 * p.records) / total) : 100}%), ${Math.round(rate).toLocaleString('en')} records/s, ${time}`
}

/**
 * A report of no record is not "everything verifies": nothing was checked (exit 2). The trail held no activity record
 * (an empty file, `[]`, only batches and rounds), or the --agent/--from/--to selection left none of its records. A
 * report with findings (a batch listing records the trail lacks) is still printed: something was checked, and is bad.
 */
function refuseNothingChecked(report: TrailReport, files: string[]): void {
  if (report.records > 0 || !report.ok) return
  const selection = [report.agent ? `of agent ${report.agent}` : '', report.period ? `timed from ${report.period.from} to ${report.period.to}` : ''].filter(Boolean).join(' ')
  const message =
    report.excluded > 0
      ? `nothing was checked: none of the trail's ${report.excluded} record(s) is ${selection}`
      : `nothing was checked: the trail holds no activity record (${files.length === 1 ? 'the file is empty or holds' : `the ${files.length} files are empty or hold`} only batches and rounds)`
  throw new BridgeError('TRAIL_NOTHING_CHECKED', message, files.length === 1 ? { file: files[0]! } : { details: `files: ${files.join(', ')}` })
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
  for (const [scope, t] of Object.entries(r.totals.byScope)) lines.push(`scope       ${printable(scope)}: ${t.records} records, ${t.bytes} bytes, ${t.ops} ops, cpu ${t.cpu_ms} ms, gpu ${t.gpu_units} units`)
  for (const i of r.invalid.slice(0, 50)) lines.push(`INVALID     ${printable(i.recordId)}${i.file ? ` (${printable(i.file)})` : ''}: ${printable(i.reason)}`)
  for (const f of r.findings.slice(0, 50)) lines.push(`finding     ${f.code}${f.recordId ? ` ${printable(f.recordId)}` : ''}: ${printable(f.message)}`)
  if (r.invalid.length + r.findings.length > 100) lines.push(`…           (use --json for the full list)`)
  lines.push(`result      ${r.ok ? 'OK: everything verifies' : 'NOT OK'}`)
  return `${lines.join('\n')}\n`
}
