import type { z } from 'zod'
import { BridgeError } from '../../../src/errors.ts'
import { clusterParamsSchema, eraUsageSchema, type ClusterParams } from '../../../src/schema/settlement.ts'
import { zodIssues } from '../../../src/schema/zod-issues.ts'
import { parseEventLines, type LocatedEvent } from '../../../src/settlement/event-lines.ts'
import { reconcileEra, reconciliationJson } from '../../../src/settlement/reconcile.ts'
import { renderReconciliationHtml } from '../../../src/settlement/render-html.ts'
import { renderReconciliationText } from '../../../src/settlement/render-text.ts'
import { LIMITS } from '../../../src/limits.ts'
import { parseCommandArgs } from '../args.ts'
import { readJsonFile, readTextFile } from '../input.ts'
import { printable, printJson, writeOut } from '../output.ts'
import { writeOutputFile } from '../../files/write-output.ts'
import { eraChainOptions, parseClusterId, parseEra, readEraOverWs } from './events.ts'

const USAGE = `Usage: ccp-bridge reconcile --ws URL --cluster 0x… --era N [--usage FILE] [--json] [--html FILE]
                           [--from B] [--to B] [--window N] [--follow [--timeout S]] [--cursor FILE]
       ccp-bridge reconcile --events FILE --params FILE [--usage FILE] [--cluster 0x…] [--era N] [--json] [--html FILE]
       ccp-bridge reconcile --clusters 0x… [0x…]… --from-era N --to-era M --queue URL [--ws URL] [--json]
                            (one job per cluster-era for \`ccp-bridge worker\` processes; results in the eras table)

Recomputes an era's payouts with the runtime's rounding (customers' charges, treasury / validator / cluster reserve
fees, provider rewards) from the era's attested usage and the cluster's prices and fee shares, and compares each
party with the chain's events; checks conservation (dust = collected − rewarded − fees, signed, equals to the planck
the expected_dust of the same arithmetic), the validators' quorum (Percent(67) × the set, rounded to nearest, committed
the same payers/payees roots before the payout: 3 of 5, 2 of 3, 3 of 4) and that ClusterEraPaid closed the era.
Providers are owed their share of the customers' expected charges (an indebted customer's share is advanced from the
shared payout vault); a vault shortfall, even within MaxDust (100000 planck), is a provider difference. With
"validator_scores" in the params, each staker's ValidatorRewarded is checked to the planck.
The file formats are those of spec/era-reconciliation.md; \`ccp-bridge events export\` writes the events file; the
same (block, index) twice, or an empty events file, is refused (exit 2).

Usage is not on the chain (only its Merkle roots are): pass --usage to check payouts against attested activity.
Without --usage the expected figures are the chain's own (expected_to_charge, expected_to_reward): fees, conservation,
quorum and closure are still checked, the payouts are not checked against activity, and every party's reason says so.

Exit 0 balanced, 1 discrepancies or incomplete, 2 could not check (bad input, node unreachable).
`

/**
 * `ccp-bridge reconcile`: an era's payouts against attested usage, from the chain (`--ws`) or from exported files.
 * @example await run(['--events', 'era.jsonl', '--params', 'params.json', '--usage', 'usage.json', '--json'])
 */
export async function run(args: string[]): Promise<number> {
  // --queue: the fan-out of cluster-eras to `ccp-bridge worker` processes (adapters/queue/era-fanout-cli.ts)
  if (args.some((a) => a === '--queue' || a.startsWith('--queue='))) return (await import('../../queue/era-fanout-cli.ts')).runEraFanOut(args)
  const { values } = parseCommandArgs(
    args,
    { ...eraChainOptions, usage: { type: 'string' }, events: { type: 'string' }, params: { type: 'string' }, json: { type: 'boolean' }, html: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    'ccp-bridge reconcile',
    [],
  )
  if (values.help) {
    process.stdout.write(USAGE)
    return 0
  }
  const usage = values.usage ? await readSchemaFile(values.usage, eraUsageSchema, 'usage') : undefined
  const clusterOption = parseClusterId(values.cluster)
  const eraOption = parseEra(values.era)
  if (usage && clusterOption && clusterOption !== usage.cluster_id) throw new BridgeError('BAD_ARGUMENTS', `--cluster ${clusterOption} differs from the usage file's cluster_id ${usage.cluster_id}`, { file: values.usage })
  if (usage && eraOption !== undefined && eraOption !== usage.era) throw new BridgeError('BAD_ARGUMENTS', `--era ${eraOption} differs from the usage file's era ${usage.era}`, { file: values.usage })
  let clusterId: string | undefined = clusterOption ?? usage?.cluster_id
  let era = eraOption ?? usage?.era

  let events: LocatedEvent[]
  let params: ClusterParams
  if (values.events !== undefined || values.params !== undefined) {
    if (values.ws) throw new BridgeError('BAD_ARGUMENTS', 'give either --ws (read the chain) or --events and --params (exported files), not both')
    if (!values.events) throw new BridgeError('BAD_ARGUMENTS', 'missing --events FILE (JSON Lines, as `ccp-bridge events export` writes)')
    if (!values.params) throw new BridgeError('BAD_ARGUMENTS', 'missing --params FILE (the cluster protocol parameters)')
    params = await readSchemaFile(values.params, clusterParamsSchema, 'params')
    events = parseEventLines(await readTextFile(values.events, LIMITS.events), values.events)
    if (events.length === 0) throw new BridgeError('EVENTS_EMPTY', 'the events file holds no events', { file: values.events, details: 'expected JSON Lines of decoded chain events, as `ccp-bridge events export` writes' })
    if (clusterId === undefined || era === undefined) {
      const found = eraOfEvents(events, values.events)
      clusterId ??= found.clusterId
      era ??= found.era
    }
  } else {
    if (!clusterId) throw new BridgeError('BAD_ARGUMENTS', 'missing --cluster 0x… (or a --usage file that names the cluster)')
    if (era === undefined) throw new BridgeError('BAD_ARGUMENTS', 'missing --era N (or a --usage file that names the era)')
    const fromChain = await readEraOverWs(values, clusterId, era)
    events = fromChain.events
    params = fromChain.params
  }
  const result = reconcileEra({ clusterId, era, params, events, ...(usage ? { usage } : {}) })
  if (values.html) await writeOutputFile(values.html, renderReconciliationHtml(result))
  if (values.json) printJson(reconciliationJson(result))
  else {
    if (!usage) writeOut('No --usage given: expected figures are the chain\'s own; payouts are not checked against attested activity.\n\n')
    writeOut(renderReconciliationText(result))
    if (values.html) writeOut(`HTML report: ${printable(values.html)}\n`)
  }
  return result.verdict === 'balanced' ? 0 : 1
}

/** The one cluster and era the payout events of a file are about (when neither --cluster/--era nor a usage file says). */
function eraOfEvents(events: LocatedEvent[], file: string): { clusterId: string; era: number } {
  const eras = new Set<string>()
  for (const event of events) {
    if (event.section !== 'ddcPayouts' && event.section !== 'ddcClusters') continue
    const cluster = event.data['cluster_id']
    const era = event.data['era'] ?? event.data['era_id']
    if (typeof cluster === 'string' && typeof era === 'number') eras.add(`${cluster.toLowerCase()} ${era}`)
  }
  if (eras.size !== 1) {
    throw new BridgeError('BAD_ARGUMENTS', eras.size === 0 ? 'the events file has no payout events: give --cluster and --era' : `the events file covers ${eras.size} cluster eras: give --cluster and --era`, { file })
  }
  const [clusterId, era] = [...eras][0]!.split(' ')
  return { clusterId: clusterId!, era: Number(era) }
}

async function readSchemaFile<S extends z.ZodType>(file: string, schema: S, what: string): Promise<z.infer<S>> {
  const { value } = await readJsonFile(file, LIMITS.settlementInput)
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const issues = zodIssues(parsed.error)
    const first = issues[0]!
    throw new BridgeError('INPUT_INVALID', `not a valid ${what} file: ${first.message}`, {
      file,
      path: first.path,
      ...(issues.length > 1 ? { details: issues.slice(1, 6).map((i) => `${i.path}: ${i.message}`).join('; ') } : {}),
    })
  }
  return parsed.data
}

