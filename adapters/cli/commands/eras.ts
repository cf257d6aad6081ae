import { BridgeError } from '../../../src/errors.ts'
import { parseCommandArgs, parseInteger, requirePositional } from '../args.ts'
import { cliDatabase } from '../database.ts'
import { writeErr, writeOut } from '../output.ts'
import { parseClusterId, parseEra } from './events.ts'

const USAGE = `Usage: ccp-bridge eras follow --ws URL --cluster 0x… [--cluster 0x…] [--from-era N] [--window N] [--poll S]
                              [--retry-delay MS] [--retry-max-delay MS] [--data-dir DIR] [--json]

Follows the Cere node's finalized blocks and reconciles each era of the clusters as soon as its
DdcClusters.ClusterEraPaid lands (as \`reconcile --ws\` does, without --usage: the chain's own expected figures), then
stores the result and its HTML report in the state database's eras table and appends an era event (what
\`serve\` streams on /v1/events). Runs until SIGINT or SIGTERM.

  --cluster 0x…        a cluster to follow (20-byte id); repeat it for several
  --from-era N         on a first start, also reconcile the eras from N that are already paid (found through their
                       payout receipts, else in the last --window blocks); without it, eras paid from now on
  --window N           how many blocks back from ClusterEraPaid an era's events are read (default 1200)
  --poll S             look for a new finalized head at least every S seconds (default 6)
  --retry-delay MS, --retry-max-delay MS
                       waits after a node or database error, doubling from 1000 ms up to 60000 ms; each retry is
                       said on stderr, the follower never exits on them
  --data-dir DIR       the embedded database's folder (default .ccp-bridge); DATABASE_URL=postgres://… uses PostgreSQL
  --json               one JSON object a line on stdout for each era stored (instead of a readable line)

Each cluster's cursor (the next era and block) is in the database and moves in the same transaction as the era it
follows, so a restart resumes without skipping or repeating an era. --ws falls back to $CERE_WS_URL.
Exit 0 when stopped by a signal; 2 on bad arguments, or chain data that retrying cannot fix (a malformed event).
`

/**
 * `ccp-bridge eras follow`: the era follower as a daemon (adapters/cere/era-follower.ts) until SIGINT/SIGTERM.
 * @example await run(['follow', '--ws', 'ws://127.0.0.1:9944', '--cluster', '0x0d14…', '--from-era', '412'])
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      ws: { type: 'string' },
      cluster: { type: 'string', multiple: true },
      'from-era': { type: 'string' },
      window: { type: 'string' },
      poll: { type: 'string' },
      'retry-delay': { type: 'string' },
      'retry-max-delay': { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'ccp-bridge eras',
    { follow: [] },
  )
  if (values.help) {
    writeOut(USAGE)
    return 0
  }
  const sub = requirePositional(positionals, 0, 'subcommand (follow)')
  if (sub !== 'follow') throw new BridgeError('BAD_ARGUMENTS', `unknown subcommand eras ${JSON.stringify(sub)}`, { details: 'expected: eras follow --ws URL --cluster 0x…' })
  const wsUrl = values.ws ?? process.env['CERE_WS_URL']
  if (!wsUrl) throw new BridgeError('BAD_ARGUMENTS', 'missing --ws URL (or $CERE_WS_URL): the Cere node to follow')
  if (!/^wss?:\/\//.test(wsUrl)) throw new BridgeError('BAD_ARGUMENTS', `--ws expects a ws:// or wss:// URL, got ${JSON.stringify(wsUrl)}`)
  const clusters = (values.cluster ?? []).map((text) => parseClusterId(text)!)
  if (clusters.length === 0) throw new BridgeError('BAD_ARGUMENTS', 'missing --cluster 0x…: the cluster(s) whose eras to follow')
  const fromEra = parseEra(values['from-era'])
  const window = parseInteger('window', values.window, { min: 1, max: 1_000_000 })
  const pollSeconds = parseInteger('poll', values.poll, { min: 1, max: 3_600 })
  const baseMs = parseInteger('retry-delay', values['retry-delay'], { min: 1, max: 2 ** 31 - 1 }) ?? 1_000
  const maxMs = parseInteger('retry-max-delay', values['retry-max-delay'], { min: 1, max: 2 ** 31 - 1 }) ?? 60_000
  if (maxMs < baseMs) throw new BridgeError('BAD_ARGUMENTS', `--retry-max-delay (${maxMs} ms) must be at least --retry-delay (${baseMs} ms)`)

  const controller = new AbortController()
  const onSignal = (name: NodeJS.Signals) => {
    writeErr(`${name}: stopping after the step in progress\n`)
    controller.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    const database = await cliDatabase({ dataDir: values['data-dir'] })
    // loaded here: the chain SDK only for this command
    const { followEras } = await import('../../cere/era-follower.ts')
    const summary = await followEras({
      database,
      wsUrl,
      clusters,
      ...(fromEra !== undefined ? { fromEra } : {}),
      ...(window !== undefined ? { window } : {}),
      ...(pollSeconds !== undefined ? { pollMs: pollSeconds * 1000 } : {}),
      retry: { baseMs, maxMs },
      signal: controller.signal,
      onLog: (line) => writeErr(`${line}\n`),
      onEvent: (event) => {
        if (values.json) {
          process.stdout.write(`${JSON.stringify({ event_id: event.eventId, cluster_id: event.clusterId, era: event.era, verdict: event.verdict, block: event.block, result: event.result })}\n`)
        } else {
          const c = event.result.conservation
          writeOut(
            `era ${event.era} of cluster ${event.clusterId}: ${event.verdict.toUpperCase()} (ClusterEraPaid at block ${event.block}; quorum ${event.result.quorum.committed} of ${event.result.quorum.validators}; dust ${c.dust}, expected ${c.expected_dust}) — event ${event.eventId}\n`,
          )
        }
      },
    })
    writeErr(`stopped: ${summary.eras} era(s) stored, ${summary.retries} retr${summary.retries === 1 ? 'y' : 'ies'}${summary.lastBlock !== undefined ? `, read up to block ${summary.lastBlock}` : ''}\n`)
    return 0
  } finally {
    process.removeListener('SIGINT', onSignal)
    process.removeListener('SIGTERM', onSignal)
  }
}
