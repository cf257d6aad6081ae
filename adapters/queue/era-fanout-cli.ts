import { BridgeError } from '../../src/errors.ts'
import { INTEGER_BOUNDS, parseCommandArgs, parseInteger, quoteArgument } from '../cli/args.ts'
import { printJson, progress, progressDone, writeOut } from '../cli/output.ts'
import { redactUrl } from '../sql/database.ts'
import { fanOutEras, type EraOutcome } from './era-fanout.ts'
import { queueUrl } from './queue-url.ts'

const USAGE = `Usage: ccp-bridge reconcile --clusters 0x… [0x…]… --from-era N --to-era M --queue URL [--ws URL] [--window N]
                           [--lease SECONDS] [--retries N] [--json]

Fans out one job per cluster-era (every cluster, every era from N to M) on the job queue in PostgreSQL; each
\`ccp-bridge worker\` process takes jobs, reconciles the cluster-era against the Cere node (as \`reconcile --ws\` does,
without --usage: the chain's own expected figures) and stores the result with its HTML report in the service's eras
table. Waits for every job and prints each verdict.
--clusters   cluster ids (0x and 40 hex digits), separated by spaces or commas
--ws URL     the node the workers read (default: $CERE_WS_URL); every worker must reach it
--queue URL  the PostgreSQL database (default: $DATABASE_URL)
--retries N  tries after the first for a cluster-era whose node did not answer (default 2, 10 s apart)
--lease S    a job whose worker has not finished it S seconds after taking it goes to another worker (default 300)
Exit 0 all balanced, 1 any discrepancies or incomplete, 2 any cluster-era that could not be reconciled.
`

const MAX_JOBS = 100_000

/**
 * `ccp-bridge reconcile --clusters … --from-era N --to-era M --queue URL`: the fan-out of cluster-era reconciliations
 * over the job queue (the `reconcile` command hands its arguments here when they hold `--queue`).
 * @example process.exitCode = await runEraFanOut(['--clusters', '0x0d14…', '--from-era', '410', '--to-era', '412', '--queue', url, '--ws', ws])
 */
export async function runEraFanOut(args: string[]): Promise<number> {
  // --clusters takes every argument up to the next option (and comma-separated lists)
  const clusterArgs: string[] = []
  const rest: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--clusters') {
      while (i + 1 < args.length && !args[i + 1]!.startsWith('--')) clusterArgs.push(args[++i]!)
    } else if (arg.startsWith('--clusters=')) clusterArgs.push(arg.slice('--clusters='.length))
    else rest.push(arg)
  }
  const { values } = parseCommandArgs(
    rest,
    { queue: { type: 'string' }, ws: { type: 'string' }, 'from-era': { type: 'string' }, 'to-era': { type: 'string' }, window: { type: 'string' }, lease: { type: 'string' }, retries: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    'ccp-bridge reconcile',
    [],
  )
  if (values.help) {
    process.stdout.write(USAGE)
    return 0
  }
  const clusters = [...new Set(clusterArgs.flatMap((a) => a.split(',')).filter((c) => c !== '').map(parseCluster))]
  if (clusters.length === 0) throw new BridgeError('BAD_ARGUMENTS', 'missing --clusters 0x… (one or more 20-byte cluster ids)', { details: USAGE.split('\n')[0] })
  const fromEra = parseInteger('from-era', values['from-era'], INTEGER_BOUNDS.era)
  const toEra = parseInteger('to-era', values['to-era'], INTEGER_BOUNDS.era)
  if (fromEra === undefined || toEra === undefined) throw new BridgeError('BAD_ARGUMENTS', 'missing --from-era N and --to-era M (the eras to reconcile, both included)')
  if (fromEra > toEra) throw new BridgeError('BAD_ARGUMENTS', `--from-era ${fromEra} is after --to-era ${toEra}: no era to reconcile`)
  if (clusters.length * (toEra - fromEra + 1) > MAX_JOBS) throw new BridgeError('BAD_ARGUMENTS', `${clusters.length} cluster(s) × ${toEra - fromEra + 1} era(s) is more than ${MAX_JOBS.toLocaleString('en')} jobs at once; split the range`)
  const ws = values.ws ?? process.env.CERE_WS_URL
  if (!ws) throw new BridgeError('BAD_ARGUMENTS', 'missing --ws URL (the Cere node the workers read; or set CERE_WS_URL)')
  if (!/^wss?:\/\//.test(ws)) throw new BridgeError('BAD_ARGUMENTS', `--ws expects a ws:// or wss:// URL, got ${quoteArgument(ws)}`)
  const url = queueUrl(values.queue)
  const window = parseInteger('window', values.window, { min: 1, max: INTEGER_BOUNDS.block.max })
  const leaseSeconds = parseInteger('lease', values.lease, { min: 1, max: 86_400 })
  const retries = parseInteger('retries', values.retries, { min: 0, max: 100 })

  const stop = new AbortController()
  const onSignal = () => stop.abort()
  process.once('SIGINT', onSignal)
  let outcomes: EraOutcome[]
  try {
    outcomes = await fanOutEras({
      url,
      ws,
      clusters,
      fromEra,
      toEra,
      ...(window !== undefined ? { window } : {}),
      ...(leaseSeconds !== undefined ? { leaseSeconds } : {}),
      ...(retries !== undefined ? { retries } : {}),
      signal: stop.signal,
      onProgress: (done, total) => progress(`reconciled ${done.toLocaleString('en')} of ${total.toLocaleString('en')} cluster-eras`),
    })
  } finally {
    process.off('SIGINT', onSignal)
    progressDone()
  }
  const count = (verdict: EraOutcome['verdict']) => outcomes.filter((o) => o.verdict === verdict).length
  const failed = outcomes.filter((o) => o.error !== undefined).length
  const summary = { balanced: count('balanced'), discrepancies: count('discrepancies'), incomplete: count('incomplete'), failed }
  if (values.json) printJson({ results: outcomes, ...summary, stored_in: redactUrl(url) })
  else {
    const lines = outcomes.map((o) => `era ${o.era} of cluster ${o.cluster_id}: ${o.error !== undefined ? `FAILED: ${o.error}` : `${o.verdict}${o.block ? ` (ClusterEraPaid at block ${o.block})` : ''}`}`)
    lines.push(`${outcomes.length} cluster-era(s): ${summary.balanced} balanced, ${summary.discrepancies} with discrepancies, ${summary.incomplete} incomplete, ${failed} failed; results in the eras table of ${redactUrl(url)}`)
    writeOut(`${lines.join('\n')}\n`)
  }
  return failed > 0 ? 2 : summary.discrepancies + summary.incomplete > 0 ? 1 : 0
}

function parseCluster(text: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) throw new BridgeError('BAD_ARGUMENTS', `--clusters expects cluster ids of 0x and 40 hex digits (20 bytes), got ${quoteArgument(text)}`)
  return text.toLowerCase()
}
