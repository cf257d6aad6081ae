import type { PartyLine, Reconciliation } from './reconcile.ts'
import { quorumText } from './render-text.ts'

/**
 * A self-contained HTML page of an era's reconciliation: the party tables and an inline SVG flow chart of
 * the era's money (customers → providers, validators, treasury, cluster reserve). No external resources.
 * @example await writeFile('report.html', renderReconciliationHtml(result))
 */
export function renderReconciliationHtml(result: Reconciliation): string {
  const title = `Era ${result.era} of cluster ${result.cluster_id}`
  const c = result.conservation
  const sections = (['customer', 'provider', 'treasury', 'validators', 'cluster_reserve'] as const)
    .map((role) => partyTable(role, result.parties.filter((p) => p.role === role)))
    .join('\n')
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}: ${result.verdict}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d232a;background:#fbfbfd}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.6rem 0 .4rem}
.verdict{display:inline-block;padding:.2rem .7rem;border-radius:1rem;font-weight:600;color:#fff}
.balanced{background:#1b7f4b}.discrepancies{background:#b3261e}.incomplete{background:#a86400}
table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px #0001}
th,td{padding:.35rem .6rem;border-bottom:1px solid #e4e6eb;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.id{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
tr.bad td{background:#fdecea}
.checks li{margin:.2rem 0}.ok{color:#1b7f4b}.no{color:#b3261e}
svg text{font:12px system-ui,sans-serif;fill:#1d232a}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p><span class="verdict ${result.verdict}">${result.verdict}</span> · amounts in planck (1 CERE = 10<sup>10</sup> planck)</p>
<h2>Money flow</h2>
${flowChart(result)}
<h2>Checks</h2>
<ul class="checks">
<li class="${c.holds ? 'ok' : 'no'}">Conservation ${c.holds ? 'holds' : 'broken'}: dust = collected ${c.collected} − profits ${c.profits} − fees ${c.fees} = ${c.dust}; expected ${c.expectedDust}</li>
${c.undistributed > 0n ? `<li class="no">Undistributed: ${c.undistributed} (what the shared payout vault could not pay)</li>\n` : ''}<li class="${result.quorum.holds ? 'ok' : 'no'}">Quorum ${result.quorum.holds ? 'holds' : 'not reached'}: ${result.quorum.committed} of ${result.quorum.validators} validators committed the same payers/payees roots before the payout; ${quorumText(result.quorum.validators)}</li>
<li class="${result.closed ? 'ok' : 'no'}">${result.closed ? 'Closed by DdcClusters.ClusterEraPaid' : 'Not closed: no DdcClusters.ClusterEraPaid'}</li>
${result.missing.map((m) => `<li class="no">Missing: ${escapeHtml(m)}</li>`).join('\n')}
</ul>
${sections}
</body>
</html>
`
}

const ROLE_TITLES: Record<PartyLine['role'], string> = {
  customer: 'Customers',
  provider: 'Node providers',
  treasury: 'Treasury',
  validators: 'Validators',
  cluster_reserve: 'Cluster reserve',
}

function partyTable(role: PartyLine['role'], rows: PartyLine[]): string {
  if (rows.length === 0) return ''
  const body = rows
    .map(
      (p) =>
        `<tr${p.ok ? '' : ' class="bad"'}><td class="id">${escapeHtml(p.id)}</td><td class="num">${p.expected}</td><td class="num">${p.actual}</td><td class="num">${p.difference > 0n ? '+' : ''}${p.difference}</td><td>${escapeHtml(p.reason)}</td></tr>`,
    )
    .join('\n')
  return `<h2>${ROLE_TITLES[role]}</h2>
<table><thead><tr><th>party</th><th class="num">expected</th><th class="num">actual</th><th class="num">difference</th><th>reason</th></tr></thead>
<tbody>
${body}
</tbody></table>`
}

/** A left-to-right flow: one band from the customers to the payout vault, then one band per recipient. */
function flowChart(result: Reconciliation): string {
  const c = result.conservation
  const fee = (role: PartyLine['role']) => result.parties.find((p) => p.role === role && p.id === role)?.actual ?? 0n
  const targets: Array<[string, bigint, string]> = [
    ['Node providers', c.profits, '#2f6db5'],
    ['Validators', fee('validators'), '#7a4fb5'],
    ['Treasury', fee('treasury'), '#1b7f4b'],
    ['Cluster reserve', fee('cluster_reserve'), '#a86400'],
  ]
  if (c.dust > 0n) targets.push(['Left in the vault (dust)', c.dust, '#888'])
  const total = targets.reduce((sum, [, amount]) => sum + amount, 0n)
  const scale = (amount: bigint) => (total === 0n ? 0 : Number((amount * 1_000_000n) / total) / 1_000_000)
  const height = 300
  const usable = height - 20 - 12 * targets.length
  const width = 820
  const sourceHeight = Math.max(2, usable * scale(c.collected > total ? total : c.collected))
  const customers = result.parties.filter((p) => p.role === 'customer').length
  let y = 10
  const bands = targets
    .map(([label, amount, color]) => {
      const h = Math.max(amount > 0n ? 2 : 0.5, usable * scale(amount))
      const y0 = y
      y += h + 12
      const path = `M250,${(10 + sourceHeight / 2).toFixed(1)} C420,${(10 + sourceHeight / 2).toFixed(1)} 420,${(y0 + h / 2).toFixed(1)} 560,${(y0 + h / 2).toFixed(1)}`
      return `<path d="${path}" stroke="${color}" stroke-opacity=".45" stroke-width="${h.toFixed(1)}" fill="none"/>
<rect x="560" y="${y0.toFixed(1)}" width="14" height="${h.toFixed(1)}" fill="${color}"/>
<text x="582" y="${(y0 + h / 2 + 4).toFixed(1)}">${escapeHtml(label)}: ${amount}</text>`
    })
    .join('\n')
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="Flow of the era's money from customers to providers, validators, treasury and cluster reserve">
<rect x="40" y="10" width="14" height="${sourceHeight.toFixed(1)}" fill="#39424e"/>
<text x="60" y="${(10 + sourceHeight / 2 - 4).toFixed(1)}">Customers (${customers})</text>
<text x="60" y="${(10 + sourceHeight / 2 + 12).toFixed(1)}">collected ${c.collected}</text>
${c.dust < 0n ? `<text x="60" y="${(10 + sourceHeight / 2 + 28).toFixed(1)}">+ ${-c.dust} advanced from the shared payout vault</text>\n` : ''}<path d="M54,${(10 + sourceHeight / 2).toFixed(1)} L250,${(10 + sourceHeight / 2).toFixed(1)}" stroke="#39424e" stroke-opacity=".35" stroke-width="${sourceHeight.toFixed(1)}" fill="none"/>
${bands}
</svg>`
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}
