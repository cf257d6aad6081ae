import { describe, expect, it } from 'vitest'
import { reconcileEra } from '../../../src/settlement/reconcile.ts'
import { renderReconciliationHtml } from '../../../src/settlement/render-html.ts'
import { renderReconciliationText } from '../../../src/settlement/render-text.ts'
import { loadScenario } from './fixture-files.ts'

const result = (name: string) => {
  const s = loadScenario(name)
  return reconcileEra({ clusterId: s.usage.cluster_id, era: s.usage.era, params: s.params, events: s.events, usage: s.usage })
}

describe('reports', () => {
  it('text: a table per party kind, conservation, quorum, closure, verdict', () => {
    const text = renderReconciliationText(result('over-rewarded'))
    for (const title of ['Customers (charged)', 'Node providers (rewarded)', 'Treasury (fee)', 'Validators (fee, then each staker)', 'Cluster reserve (fee)']) expect(text).toContain(title)
    expect(text).toMatch(/^!! +6\S+ +\d+ +\d+ +\+1000000 +.*over-rewarded$/m)
    expect(text).toContain('Conservation: dust = collected 1549404215451 − profits 1495176067910 − fees 54229147541 = -1000000; expected 0: BROKEN')
    expect(text).toContain('Quorum: 4 of 5 validators committed the same payers/payees roots before the payout; needs 3 (67% of 5, rounded to nearest): holds')
    expect(text).toContain('Verdict: discrepancies')
  })
  it('html: self-contained (inline CSS and SVG, no external resource) with the flow and tables', () => {
    const html = renderReconciliationHtml(result('undistributed'))
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true)
    expect(html).toContain('<style>')
    expect(html).toContain('<svg')
    expect(html.match(/(src|href)=/g)).toBeNull()
    expect(html.replace('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(/https?:\/\//)
    for (const label of ['Node providers:', 'Validators:', 'Treasury:', 'Cluster reserve:', 'Left in the vault (dust):', 'Undistributed: ']) expect(html).toContain(label)
    expect(html).toContain('class="verdict discrepancies"')
    expect(html.match(/<table>/g)).toHaveLength(5)
  })
  it('html: money advanced from the shared vault (negative dust) is shown at the source', () => {
    const html = renderReconciliationHtml(result('partial-indebted'))
    expect(html).toMatch(/\+ \d+ advanced from the shared payout vault/)
    expect(html).toContain('class="verdict balanced"')
  })
  it('html escapes text', () => {
    const r = result('balanced')
    r.parties[0]!.reason = '<script>alert(1)</script>'
    expect(renderReconciliationHtml(r)).not.toContain('<script>')
  })
})
