// The views of the dashboard: each takes the API's answers and returns the nodes of the view (a heading first; app.js
// moves the focus to it when the view is opened by navigation).
import { badge, countdown, h, short, when } from './format.js'

/**
 * Agents and their certificates: per agent, the counterparty decision under the server's policy, then each certificate
 * with its status, class, bound, expiry countdown and renewal.
 * @param {any} list the answer of /v1/agents
 * @param {Map<string, any>} decisions agent → the answer of /v1/agents/{agent}/decision (or an Error)
 */
export function agentsView(list, decisions) {
  const nodes = [h('h1', { tabindex: '-1', id: 'view-title' }, 'Agents and their certificates')]
  nodes.push(h('p', {}, list.watcherHead === null ? 'The watcher has not recorded a block yet.' : `As the watcher saw the registry up to block ${list.watcherHead}.`))
  if (list.agents.length === 0) {
    nodes.push(h('p', { class: 'empty' }, 'No certificate has been published on the registry this server follows yet.'))
    return nodes
  }
  for (const entry of list.agents) {
    const decision = decisions.get(entry.agent)
    const name = decision && !(decision instanceof Error) ? decision.certificate?.agentName : null
    const id = `agent-${entry.agent.toLowerCase()}`
    nodes.push(
      h(
        'section',
        { class: 'agent', 'aria-labelledby': `${id}-title`, 'data-agent': entry.agent },
        h('h2', { id: `${id}-title` }, name ? `${name} ` : '', h('code', { title: entry.agent }, entry.agent)),
        decisionLine(decision, entry.agent),
        certificatesTable(entry.certificates, `${id}-certs`),
      ),
    )
  }
  return nodes
}

function decisionLine(decision, agent) {
  if (!decision) return h('p', {}, 'Decision: checking…')
  if (decision instanceof Error) return h('p', { class: 'problem' }, `Decision: could not check (${decision.message})`)
  const first = decision.reasons[0]
  return h(
    'p',
    { class: 'decision', 'data-decision': decision.decision },
    'Decision: ',
    badge(decision.decision),
    ` under this server's policy, at block ${decision.block}`,
    first ? ` — ${first.message}` : '',
    ' ',
    h('a', { href: `#/check/${agent}` }, 'Check with another policy'),
  )
}

function certificatesTable(certificates, id) {
  const rows = certificates.map((c) =>
    h(
      'tr',
      { 'data-cert': c.certHash },
      h('th', { scope: 'row' }, h('a', { href: `#/certificates/${c.certHash}`, title: c.certHash }, short(c.certHash))),
      h('td', { class: 'status' }, badge(c.status)),
      h('td', {}, c.certificateClass ?? '—'),
      h('td', { class: 'num' }, c.containmentBound ?? '—'),
      h('td', {}, c.status === 'ACTIVE' ? countdown(c.expiresInSeconds, c.expiresAt) : when(c.expiresAt)),
      h('td', {}, c.status !== 'ACTIVE' ? '—' : c.renewalDue ? h('strong', {}, 'due now') : `from ${when(c.renewalDueAt)}`),
    ),
  )
  return h(
    'table',
    { id },
    h('caption', {}, 'Certificates, newest first'),
    h('thead', {}, h('tr', {}, ...['certificate', 'status', 'class', 'bound', 'expires', 'renewal'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...rows),
  )
}

/**
 * A certificate: its lifecycle (status, countdown, renewal, history), its constraints and attestations, and its record.
 * @param {any} view the answer of /v1/certificates/{certHash}
 */
export function certificateView(view) {
  const life = view.lifecycle
  const doc = view.document
  const nodes = [
    h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Agents'), ' › certificate'),
    h('h1', { tabindex: '-1', id: 'view-title' }, 'Certificate ', h('code', { class: 'wrap' }, view.certHash)),
    h(
      'dl',
      { class: 'facts' },
      fact('Status', badge(life.status)),
      fact('On the registry', badge(life.registryStatus)),
      fact('Class', view.record.certificateClass),
      fact('Containment bound', `${view.record.containmentBound}${doc ? ` ${doc.derived_metrics.containment_bound_denomination}` : ''}`),
      fact('Agent', h('code', {}, view.record.agent)),
      fact('Operator', h('code', {}, view.record.operator)),
      fact('Issued', when(life.issuedAt)),
      fact('Expires', when(life.expiresAt), ' (', life.status === 'ACTIVE' ? countdown(life.expiresInSeconds, life.expiresAt) : 'ended', ')'),
      fact('Renewal', life.renewalDue ? h('strong', {}, 'due now') : `due from ${when(life.renewalDueAt)}`),
      life.replacedBy ? fact('Replaced by', h('a', { href: `#/certificates/${life.replacedBy}` }, short(life.replacedBy))) : null,
      fact('Document', h('a', { href: `/v1/certificates/${view.certHash}/document` }, view.uri)),
    ),
  ]
  if (view.documentProblem) nodes.push(h('p', { class: 'problem' }, `The document cannot be shown: ${view.documentProblem}`))
  if (doc) {
    nodes.push(h('h2', {}, 'Constraints'))
    nodes.push(
      h(
        'table',
        {},
        h('caption', {}, 'Containment layers; only agent-independent ones count toward the bound'),
        h('thead', {}, h('tr', {}, ...['type', 'value', 'enforcement', 'agent-independent', 'formally verified'].map((t) => h('th', { scope: 'col' }, t)))),
        h(
          'tbody',
          {},
          ...doc.constraints.map((c) =>
            h('tr', {}, h('th', { scope: 'row' }, c.type), h('td', { class: 'value' }, constraintValue(c.value)), h('td', {}, c.enforcement.mechanism, c.enforcement.contract_address ? h('code', { class: 'wrap' }, ` ${c.enforcement.contract_address}`) : ''), h('td', {}, c.agent_independent ? 'yes' : 'no'), h('td', {}, c.formally_verified ? 'yes' : 'no')),
          ),
        ),
      ),
    )
    nodes.push(h('h2', {}, 'Attestations'))
    nodes.push(
      h(
        'table',
        {},
        h('caption', {}, 'Auditors who vouch for this certificate'),
        h('thead', {}, h('tr', {}, ...['auditor', 'scope', 'stake (wei)', 'report'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...doc.attestations.map((a) => h('tr', {}, h('th', { scope: 'row' }, a.auditor_name ? `${a.auditor_name} ` : '', h('code', {}, a.auditor_id)), h('td', {}, a.scope), h('td', { class: 'num' }, a.stake_amount), h('td', { class: 'wrap' }, a.report_hash)))),
      ),
    )
  }
  nodes.push(h('h2', {}, 'Lifecycle'))
  nodes.push(onChainFacts(life.onChain, life.onChainProblem))
  nodes.push(h('h3', {}, 'History on the registry'))
  nodes.push(
    life.history.length === 0
      ? h('p', {}, 'The watcher has recorded no change of this certificate yet.')
      : h('ol', { class: 'history' }, ...life.history.map((e) => h('li', {}, h('time', { datetime: e.at }, when(e.at)), e.block ? ` · block ${e.block}` : '', ' · ', e.status ? badge(e.status) : '', ' ', e.summary))),
  )
  return nodes
}

/** What the contracts hold: reserve, auditors' bonds, stakes and fees, challenges, grace and settlement. */
function onChainFacts(chain, problem) {
  if (!chain) return h('p', { class: 'problem' }, `The lifecycle contracts could not be read${problem ? `: ${problem}` : ''}.`)
  const r = chain.reserve
  const stage = chain.settled ? 'settled' : chain.challengeOpen ? 'under challenge' : chain.graceEndsAt ? `in grace until ${when(chain.graceEndsAt)}, then settlement` : 'active'
  return h(
    'div',
    {},
    h(
      'dl',
      { class: 'facts' },
      fact('Stage', stage),
      fact('Terminated', when(chain.terminatedAt)),
      fact('Grace after termination', `${Math.round(chain.graceSeconds / 86400)} days`),
      fact('Reserve in the vault', r.token ? `${r.backing} backed of ${r.deposited} ${r.symbol ?? ''} (the class needs ${r.required})${r.exogenous ? '' : ', NOT an exogenous token'}` : 'none deposited'),
      fact('Challenge upheld', chain.challengeUpheld ? 'yes: stakes slashed, fees clawed back' : 'no'),
    ),
    h(
      'table',
      {},
      h('caption', {}, "Auditors' bonds, stakes and escrowed fees (smallest token units)"),
      h('thead', {}, h('tr', {}, ...['auditor', 'bonded', 'stake', 'fee'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...chain.auditors.map((a) => h('tr', {}, h('th', { scope: 'row' }, h('code', {}, a.auditor)), h('td', {}, a.bonded ? 'yes' : 'NO'), h('td', { class: 'num' }, a.staked), h('td', {}, a.fee ? `${a.fee.amount} (${a.fee.state})` : 'none')))),
    ),
    chain.challenges.length === 0
      ? h('p', {}, 'No challenge was opened.')
      : h('ul', {}, ...chain.challenges.map((c) => h('li', {}, `Challenge ${c.challengeId} (${c.kind}): `, badge(c.state), ` opened ${when(c.openedAt)}, deadline ${when(c.deadline)}, votes ${c.upholdVotes} uphold / ${c.rejectVotes} reject`))),
  )
}

function fact(label, ...value) {
  return h('div', {}, h('dt', {}, label), h('dd', {}, ...value))
}

function constraintValue(value) {
  return Object.entries(value)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : x)).join(', ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : v}`)
    .join('; ')
}

/**
 * The stored era reconciliations.
 * @param {any} list the answer of /v1/eras
 */
export function erasView(list) {
  const nodes = [h('h1', { tabindex: '-1', id: 'view-title' }, 'Era reconciliations')]
  if (list.eras.length === 0) {
    nodes.push(h('p', { class: 'empty' }, 'No era has been reconciled yet (the era follower stores each era when ClusterEraPaid lands).'))
    return nodes
  }
  nodes.push(
    h(
      'table',
      {},
      h('caption', {}, 'Newest first'),
      h('thead', {}, h('tr', {}, ...['era', 'cluster', 'verdict', 'conservation', 'quorum', 'reconciled'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        {},
        ...list.eras.map((e) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, h('a', { href: `#/eras/${e.clusterId}/${e.era}` }, `Era ${e.era}`)),
            h('td', {}, h('code', { title: e.clusterId }, short(e.clusterId))),
            h('td', {}, badge(e.verdict)),
            h('td', {}, e.conservationHolds === null ? '—' : e.conservationHolds ? 'holds' : 'broken'),
            h('td', {}, e.quorumHolds === null ? '—' : e.quorumHolds ? 'holds' : 'not reached'),
            h('td', {}, when(e.reconciledAt)),
          ),
        ),
      ),
    ),
  )
  return nodes
}

/**
 * One era: its verdict and the HTML report with the money flow chart (the report the API serves, in a frame).
 * @param {any} era the answer of /v1/eras/{cluster}/{era}
 */
export function eraView(era) {
  return [
    h('p', { class: 'crumbs' }, h('a', { href: '#/eras' }, 'Eras'), ` › era ${era.era}`),
    h('h1', { tabindex: '-1', id: 'view-title' }, `Era ${era.era} of cluster `, h('code', { class: 'wrap' }, era.clusterId)),
    h(
      'dl',
      { class: 'facts' },
      fact('Verdict', badge(era.verdict)),
      fact('Closed by ClusterEraPaid', era.result.closed ? 'yes' : 'no'),
      fact('Conservation', era.result.conservation.holds ? 'holds' : 'broken'),
      fact('Quorum', `${era.result.quorum.committed} of ${era.result.quorum.validators} validators: ${era.result.quorum.holds ? 'holds' : 'not reached'}`),
      fact('Read from', era.source),
      fact('Reconciled', when(era.reconciledAt)),
    ),
    h('p', {}, h('a', { href: era.reportUrl, target: '_blank', rel: 'noopener' }, 'Open the report in a new tab'), ' · ', h('a', { href: `/v1/eras/${era.clusterId}/${era.era}?format=json` }, 'JSON')),
    h('iframe', { class: 'report', src: era.reportUrl, title: `Reconciliation report of era ${era.era}: tables and money flow chart`, loading: 'lazy' }),
  ]
}

/**
 * The form a counterparty uses to check an agent under a policy of its own, and the decision with every reason.
 * @param {string} agent the agent filled in (from the URL)
 * @param {any} result the decision, an Error, or null before the first check
 * @param {{ minClass?: string, maxLoss?: string }} policy
 */
export function checkView(agent, result, policy) {
  const form = h(
    'form',
    { id: 'check-form', 'aria-describedby': 'check-help' },
    h('p', { id: 'check-help' }, 'Runs verify-agent (lookup, document, CID and certHash, rules, signatures, status, policy, concentration) and lists every reason.'),
    h('div', { class: 'field' }, h('label', { for: 'check-agent' }, 'Agent address'), h('input', { id: 'check-agent', name: 'agent', required: true, pattern: '0x[0-9a-fA-F]{40}', value: agent, autocomplete: 'off', spellcheck: 'false', size: '44' })),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'check-min-class' }, 'Lowest acceptable class'),
      h('select', { id: 'check-min-class', name: 'minClass' }, ...['', 'C1', 'C2', 'C3'].map((v) => h('option', { value: v, selected: (policy.minClass ?? '') === v }, v || 'the server’s policy'))),
    ),
    h('div', { class: 'field' }, h('label', { for: 'check-max-loss' }, 'Largest acceptable loss'), h('input', { id: 'check-max-loss', name: 'maxLoss', inputmode: 'numeric', pattern: '[0-9]+', value: policy.maxLoss ?? '', size: '12' })),
    h('button', { type: 'submit' }, 'Check'),
  )
  const nodes = [h('h1', { tabindex: '-1', id: 'view-title' }, 'Check an agent'), form]
  const out = h('section', { id: 'check-result', 'aria-live': 'polite', 'aria-labelledby': 'check-result-title' })
  if (result instanceof Error) out.append(h('h2', { id: 'check-result-title' }, 'Could not check'), h('p', { class: 'problem' }, result.message))
  else if (result) {
    out.append(
      h('h2', { id: 'check-result-title' }, 'Decision: ', badge(result.decision)),
      h('p', {}, `At block ${result.block}${result.cached ? ' (cached, still valid)' : ''}; certificate `, result.certHash ? h('a', { href: `#/certificates/${result.certHash}` }, short(result.certHash)) : 'none', result.registryStatus ? ` (${result.registryStatus} on the registry)` : ''),
      result.reasons.length === 0
        ? h('p', {}, 'Every check passed: CID, certHash = chain, rules, operator, agent and auditor signatures, status, policy, concentration.')
        : h('ul', { class: 'reasons' }, ...result.reasons.map((r) => h('li', {}, h('code', {}, `${r.stage}/${r.code}`), ` (${r.effect}): ${r.message}`))),
    )
  }
  nodes.push(out)
  return nodes
}
