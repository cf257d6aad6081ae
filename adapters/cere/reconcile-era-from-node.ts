import type { ApiPromise } from '@polkadot/api'
import { BridgeError } from '../../src/errors.ts'
import type { EraUsage } from '../../src/schema/settlement.ts'
import { closesEra } from '../../src/settlement/era-event-filter.ts'
import { reconcileEra, reconciliationJson, type Reconciliation } from '../../src/settlement/reconcile.ts'
import { renderReconciliationHtml } from '../../src/settlement/render-html.ts'
import { connectCere } from './connect.ts'
import { readEraFromChain, type EraFromChain } from './read-era.ts'

export type EraFromNodeOptions = {
  /** a connected api (kept open), or `wsUrl` to connect to (and disconnect from when done) */
  api?: ApiPromise
  wsUrl?: string
  clusterId: string
  era: number
  /** the era's attested usage; without it the chain's own expected figures are checked (spec: "without --usage") */
  usage?: EraUsage
  /** the block range to read (default: up to the payout receipt's finalized_at, else the finalized head; `window` blocks back) */
  from?: number
  to?: number
  window?: number
  /** connecting: give up after this long (default 30 s) */
  timeoutMs?: number
}

/** One cluster-era reconciled against a node: the result, its `--json` form and HTML report, and what was read. */
export type EraReconciledFromNode = {
  result: Reconciliation
  json: ReturnType<typeof reconciliationJson>
  html: string
  chain: EraFromChain
  /** the block holding the era's `ClusterEraPaid`, when it was read */
  closedBlock: number | undefined
  /** what was read, for storing: `node ws://…` */
  source: string
}

/**
 * Reads a cluster-era's events and protocol parameters from a Cere node and reconciles them (what `reconcile --ws`
 * does), returning the result, the `--json` document and the HTML report. Used by the era follower and by workers
 * that reconcile a list of cluster-eras. Node errors are BridgeErrors of kind `io`.
 * @example const { json, html } = await reconcileEraFromNode({ wsUrl: 'ws://127.0.0.1:9944', clusterId: '0x0d14…', era: 412 })
 */
export async function reconcileEraFromNode(options: EraFromNodeOptions): Promise<EraReconciledFromNode> {
  const api = options.api ?? (await connectCere(requireUrl(options.wsUrl), options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}))
  try {
    const clusterId = options.clusterId.toLowerCase()
    const chain = await readEraFromChain(api, {
      clusterId,
      era: options.era,
      ...(options.from !== undefined ? { from: options.from } : {}),
      ...(options.to !== undefined ? { to: options.to } : {}),
      ...(options.window !== undefined ? { window: options.window } : {}),
    })
    const result = reconcileEra({ clusterId, era: options.era, params: chain.params, events: chain.events, ...(options.usage ? { usage: options.usage } : {}) })
    const closing = chain.events.find((event) => closesEra(event, clusterId, options.era))
    return {
      result,
      json: reconciliationJson(result),
      html: renderReconciliationHtml(result),
      chain,
      closedBlock: closing?.block,
      source: `node ${options.wsUrl ?? 'api'}`,
    }
  } finally {
    if (!options.api) await api.disconnect().catch(() => undefined)
  }
}

function requireUrl(url: string | undefined): string {
  if (!url) throw new BridgeError('NO_CERE_NODE', 'reconcileEraFromNode needs `api` (a connected ApiPromise) or `wsUrl`', { kind: 'internal' })
  return url
}
