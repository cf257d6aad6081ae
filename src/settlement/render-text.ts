import { quorumThreshold } from './quorum.ts'
import type { PartyLine, Reconciliation } from './reconcile.ts'

const ROLE_TITLES: Record<PartyLine['role'], string> = {
  customer: 'Customers (charged)',
  provider: 'Node providers (rewarded)',
  treasury: 'Treasury (fee)',
  validators: 'Validators (fee, then each staker)',
  cluster_reserve: 'Cluster reserve (fee)',
}

/**
 * The readable report: a table per party kind, then conservation, quorum, closure and the verdict.
 * Amounts are planck; a pure function returning the text.
 * @example process.stdout.write(renderReconciliationText(result))
 */
export function renderReconciliationText(result: Reconciliation): string {
  const out: string[] = [`Era ${result.era} of cluster ${result.cluster_id}: ${result.verdict.toUpperCase()}`, '']
  for (const role of Object.keys(ROLE_TITLES) as PartyLine['role'][]) {
    const rows = result.parties.filter((p) => p.role === role)
    if (rows.length === 0) continue
    out.push(`${ROLE_TITLES[role]} — amounts in planck`)
    out.push(...table(['', 'party', 'expected', 'actual', 'difference', 'reason'], rows.map((p) => [p.ok ? 'ok' : '!!', p.id, p.expected.toString(), p.actual.toString(), signed(p.difference), p.reason]), [false, false, true, true, true, false]))
    out.push('')
  }
  const c = result.conservation
  out.push(`Conservation: dust = collected ${c.collected} − profits ${c.profits} − fees ${c.fees} = ${c.dust}; expected ${c.expectedDust}: ${c.holds ? 'holds' : 'BROKEN'}`)
  if (c.undistributed > 0n) out.push(`Undistributed: ${c.undistributed} (what the shared payout vault could not pay)`)
  out.push(`Quorum: ${result.quorum.committed} of ${result.quorum.validators} validators committed the same payers/payees roots before the payout; ${quorumText(result.quorum.validators)}: ${result.quorum.holds ? 'holds' : 'NOT REACHED'}`)
  out.push(`Closed by DdcClusters.ClusterEraPaid: ${result.closed ? 'yes' : 'no'}`)
  if (result.missing.length > 0) out.push(`Missing: ${result.missing.join('; ')}`)
  out.push(`Verdict: ${result.verdict}`)
  return `${out.join('\n')}\n`
}

/**
 * The quorum rule in words: `needs 3 (67% of 5, rounded to nearest)`.
 * @example quorumText(5) // 'needs 3 (67% of 5, rounded to nearest)'
 */
export function quorumText(validators: number): string {
  return validators === 0 ? 'no validator set known' : `needs ${quorumThreshold(validators)} (67% of ${validators}, rounded to nearest)`
}

function signed(value: bigint): string {
  return value > 0n ? `+${value}` : value.toString()
}

function table(header: string[], rows: string[][], rightAligned: boolean[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : rightAligned[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...rows.map(format)]
}
