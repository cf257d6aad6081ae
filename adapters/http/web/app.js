// The dashboard of `ccp-bridge serve`: a hash router over the API, live updates from /v1/events (Server-Sent Events),
// countdowns that tick in place. Keyboard: every control is a link, button or form field; opening a view moves the
// focus to its heading; a live refresh keeps the focus where it was.
import { duration, getJson, h } from './format.js'
import { agentsView, certificateView, checkView, eraView, erasView } from './views.js'

const view = document.getElementById('view')
const liveLog = document.getElementById('live-log')
const liveState = document.getElementById('live-state')
const status = document.getElementById('service-status')

/** The route of the current hash: `#/`, `#/certificates/0x…`, `#/eras`, `#/eras/0x…/412`, `#/check/0x…?minClass=C2`. */
function route() {
  const [path, search] = location.hash.replace(/^#/, '').split('?')
  const parts = (path || '/').split('/').filter(Boolean)
  return { parts, query: new URLSearchParams(search ?? '') }
}

let rendering = 0

/**
 * Renders the view of the current route. `focus`: move the focus to the view's heading (navigation); otherwise (a live
 * refresh) the element that had the focus gets it back when it is still there.
 */
async function render(focus) {
  const ticket = ++rendering
  const { parts, query } = route()
  let nodes
  try {
    if (parts[0] === 'certificates' && parts[1]) nodes = certificateView(await getJson(`/v1/certificates/${encodeURIComponent(parts[1])}`))
    else if (parts[0] === 'eras' && parts[1] && parts[2]) nodes = eraView(await getJson(`/v1/eras/${encodeURIComponent(parts[1])}/${encodeURIComponent(parts[2])}?format=json`))
    else if (parts[0] === 'eras') nodes = erasView(await getJson('/v1/eras'))
    else if (parts[0] === 'check') nodes = await check(parts[1] ?? '', query)
    else nodes = await agents()
  } catch (error) {
    nodes = [h('h1', { tabindex: '-1', id: 'view-title' }, 'Could not load this view'), h('p', { class: 'problem' }, `${error.message}${error.code ? ` (${error.code})` : ''}`), h('p', {}, h('a', { href: '#/' }, 'Back to the agents'))]
  }
  if (ticket !== rendering) return
  const focusedId = document.activeElement && view.contains(document.activeElement) ? document.activeElement.id : null
  view.replaceChildren(...nodes.filter(Boolean))
  markNavigation(parts[0] ?? '')
  if (focus) document.getElementById('view-title')?.focus()
  else if (focusedId) document.getElementById(focusedId)?.focus()
  const form = document.getElementById('check-form')
  if (form) form.addEventListener('submit', onCheck)
}

async function agents() {
  const list = await getJson('/v1/agents')
  const decisions = new Map()
  await Promise.all(
    list.agents.map(async (entry) => {
      try {
        decisions.set(entry.agent, await getJson(`/v1/agents/${entry.agent}/decision`))
      } catch (error) {
        decisions.set(entry.agent, error)
      }
    }),
  )
  return agentsView(list, decisions)
}

async function check(agent, query) {
  const policy = { minClass: query.get('minClass') ?? undefined, maxLoss: query.get('maxLoss') ?? undefined }
  if (!agent) return checkView('', null, policy)
  const params = new URLSearchParams()
  if (policy.minClass) params.set('minClass', policy.minClass)
  if (policy.maxLoss) params.set('maxLoss', policy.maxLoss)
  let result
  try {
    result = await getJson(`/v1/agents/${encodeURIComponent(agent)}/decision${params.size ? `?${params}` : ''}`)
  } catch (error) {
    result = error
  }
  return checkView(agent, result, policy)
}

function onCheck(event) {
  event.preventDefault()
  const data = new FormData(event.target)
  const params = new URLSearchParams()
  for (const name of ['minClass', 'maxLoss']) if (data.get(name)) params.set(name, String(data.get(name)))
  const next = `#/check/${String(data.get('agent')).trim()}${params.size ? `?${params}` : ''}`
  if (location.hash === next) void render(false)
  else location.hash = next
  // the result region announces itself (aria-live); the focus stays in the form
  setTimeout(() => document.getElementById('check-result-title')?.setAttribute('tabindex', '-1'), 0)
}

function markNavigation(section) {
  const current = section === 'eras' ? 'eras' : section === 'check' ? 'check' : 'agents'
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.getAttribute('data-nav') === current) link.setAttribute('aria-current', 'page')
    else link.removeAttribute('aria-current')
  }
}

/** Every countdown on the page, one tick a second, from the seconds the API gave and the time since. */
function tick() {
  for (const el of document.querySelectorAll('[data-countdown]')) {
    const left = Number(el.getAttribute('data-countdown')) - (Date.now() - Number(el.getAttribute('data-since'))) / 1000
    el.textContent = left > 0 ? `in ${duration(left)}` : `expired ${duration(left)}`
  }
}

let refreshTimer
function refreshSoon() {
  clearTimeout(refreshTimer)
  refreshTimer = setTimeout(() => void render(false), 150)
}

/** A line of the live log (announced by the aria-live region); the newest 50 stay. */
function announce(text) {
  liveLog.prepend(h('li', {}, h('time', { datetime: new Date().toISOString() }, new Date().toLocaleTimeString()), ' ', text))
  while (liveLog.children.length > 50) liveLog.lastElementChild.remove()
}

function describe(kind, event) {
  const p = event.payload ?? {}
  if (kind === 'certificate') {
    const what = p.status ?? p.type ?? 'changed'
    return `Certificate ${event.subject.slice(0, 10)}…${event.subject.slice(-4)}: ${String(what).toUpperCase()}${event.block ? ` (block ${event.block})` : ''}`
  }
  const [cluster, era] = event.subject.split('/')
  return `Era ${era} of cluster ${cluster.slice(0, 10)}…: ${p.verdict ?? 'reconciled'}`
}

function connectEvents() {
  const source = new EventSource('/v1/events')
  source.addEventListener('open', () => (liveState.textContent = 'Connected: changes appear here as they happen.'))
  source.addEventListener('error', () => (liveState.textContent = 'The event stream is reconnecting…'))
  for (const kind of ['certificate', 'era']) {
    source.addEventListener(kind, (message) => {
      let event
      try {
        event = JSON.parse(message.data)
      } catch {
        return
      }
      announce(describe(kind, event))
      refreshSoon()
      void health()
    })
  }
}

async function health() {
  try {
    const response = await fetch('/health', { headers: { Accept: 'application/json' } })
    const body = await response.json()
    const parts = [`Database ${body.database}${body.status === 'ok' ? '' : ' (degraded)'}`]
    if (body.registry) parts.push(body.watcher.head === null ? 'watcher starting' : `watcher at block ${body.watcher.head}`)
    if (body.watcher.lastError) parts.push(`watcher: ${body.watcher.lastError}`)
    if (body.eras.block !== null) parts.push(`eras read to Cere block ${body.eras.block}`)
    if (body.eras.lastError) parts.push(`eras: ${body.eras.lastError}`)
    status.textContent = parts.join(' · ')
  } catch {
    status.textContent = 'The server does not answer.'
  }
}

window.addEventListener('hashchange', () => void render(true))
setInterval(tick, 1000)
setInterval(health, 10_000)
void health()
connectEvents()
void render(false)
