import { BridgeError } from '../../../src/errors.ts'
import { serializeEventLines } from '../../../src/settlement/event-lines.ts'
import { clusterParamsJson } from '../../../src/settlement/params-json.ts'
import { clusterIdSchema } from '../../../src/schema/settlement.ts'
import type { EraFromChain } from '../../cere/read-era.ts'
import { INTEGER_BOUNDS, parseCommandArgs, parseInteger, requirePositional } from '../args.ts'
import { progress, progressDone } from '../output.ts'
import { writeOutputFile } from '../../files/write-output.ts'

const USAGE = `Usage: ccp-bridge events export --ws URL --cluster 0x… --era N [--from B] [--to B] [--window N]
                                [--follow [--timeout S]] [--cursor FILE] [--params-out FILE] [--out FILE]

Writes the cluster era's decoded chain events (DdcPayouts, DdcClusters.ClusterEraPaid, DdcCustomers, validator set
updates) as JSON Lines, the --events format of \`ccp-bridge reconcile\` (spec/era-reconciliation.md), on stdout or --out.
--params-out writes the cluster's protocol parameters and validator set at the era's payout block (the --params format).
Blocks: --from..--to; by default --to is the payout receipt's finalized_at (else the finalized head) and --from is
--window (1200) blocks earlier. --follow reads finalized heads as they come until ClusterEraPaid (or --timeout, 600 s).
--cursor FILE saves progress after every block and resumes from it. --ws falls back to $CERE_WS_URL.
`

/** The options both `events export` and `reconcile --ws` take to read an era from the chain. */
export const eraChainOptions = {
  ws: { type: 'string' },
  cluster: { type: 'string' },
  era: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  window: { type: 'string' },
  follow: { type: 'boolean' },
  timeout: { type: 'string' },
  cursor: { type: 'string' },
} as const

/**
 * Parses `--cluster 0x…` (20 bytes of hex), lower-cased; a malformed id is exit 2.
 * @example parseClusterId('0x0D14…') // '0x0d14…'
 */
export function parseClusterId(text: string | undefined): `0x${string}` | undefined {
  if (text === undefined) return undefined
  const parsed = clusterIdSchema.safeParse(text)
  if (!parsed.success) throw new BridgeError('BAD_ARGUMENTS', `--cluster expects 0x and 40 hex digits (a 20-byte cluster id), got ${JSON.stringify(text)}`)
  return parsed.data
}

/**
 * Parses `--era N`: a whole number that fits the runtime's u32 era (0 … 4294967295); anything else is exit 2.
 * @example parseEra('412') // 412
 */
export function parseEra(text: string | undefined): number | undefined {
  return parseInteger('era', text, INTEGER_BOUNDS.era)
}

/**
 * Connects to the node (`--ws`, else `$CERE_WS_URL`), reads the era and disconnects, whatever happens.
 * @example const era = await readEraOverWs(values, '0x…', 412)
 */
export async function readEraOverWs(values: { ws?: string; from?: string; to?: string; window?: string; follow?: boolean; timeout?: string; cursor?: string }, clusterId: string, era: number): Promise<EraFromChain> {
  const url = values.ws ?? process.env['CERE_WS_URL']
  if (!url) throw new BridgeError('BAD_ARGUMENTS', 'missing --ws URL (or $CERE_WS_URL): the Cere node to read the era from')
  const from = parseInteger('from', values.from, INTEGER_BOUNDS.block)
  const to = parseInteger('to', values.to, INTEGER_BOUNDS.block)
  const window = parseInteger('window', values.window)
  const timeout = parseInteger('timeout', values.timeout, INTEGER_BOUNDS.seconds)
  // loaded here so that reading files (`reconcile --events`) never loads @polkadot/api
  const { connectCere } = await import('../../cere/connect.ts')
  const { readEraFromChain } = await import('../../cere/read-era.ts')
  const api = await connectCere(url)
  try {
    return await readEraFromChain(api, {
      clusterId,
      era,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(window !== undefined ? { window } : {}),
      ...(values.follow ? { follow: true, followTimeoutMs: (timeout ?? 600) * 1000 } : {}),
      ...(values.cursor ? { cursorFile: values.cursor } : {}),
      onBlock: (cursor) => progress(`era ${era}: block ${cursor.next_block - 1}, ${cursor.events.length} events`),
    })
  } finally {
    progressDone()
    await api.disconnect()
  }
}

/**
 * `ccp-bridge events export`: the era's events as JSON Lines (and optionally the params file); exit 0, or 2 when the node cannot be read.
 * @example await run(['export', '--ws', 'ws://127.0.0.1:9944', '--cluster', '0x…', '--era', '412'])
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...eraChainOptions, 'params-out': { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 'ccp-bridge events', { export: [] })
  if (values.help) {
    process.stdout.write(USAGE)
    return 0
  }
  const sub = requirePositional(positionals, 0, 'subcommand (export)')
  if (sub !== 'export') throw new BridgeError('BAD_ARGUMENTS', `unknown subcommand events ${JSON.stringify(sub)}`, { details: 'expected: events export --ws URL --cluster 0x… --era N' })
  const clusterId = parseClusterId(values.cluster)
  if (!clusterId) throw new BridgeError('BAD_ARGUMENTS', 'missing --cluster 0x… (the 20-byte cluster id)')
  const era = parseEra(values.era)
  if (era === undefined) throw new BridgeError('BAD_ARGUMENTS', 'missing --era N')
  const result = await readEraOverWs(values, clusterId, era)
  const text = serializeEventLines(result.events)
  if (values.out) await writeOutputFile(values.out, text)
  else process.stdout.write(text)
  if (values['params-out']) await writeOutputFile(values['params-out'], `${JSON.stringify(clusterParamsJson(result.params), null, 2)}\n`)
  process.stderr.write(
    `era ${era} of cluster ${clusterId}: ${result.events.length} events from blocks ${result.range.from}..${result.range.to}${result.closed ? ', closed by ClusterEraPaid' : ', NOT closed (no ClusterEraPaid in range)'}; params at block ${result.paramsBlock}\n`,
  )
  return 0
}
