// Small helpers of the dashboard: building DOM nodes from data (text is always set as text, never parsed as HTML),
// and formatting times, countdowns and hashes for people.

/**
 * Creates an element: `h('a', { href: '#/x', class: 'btn' }, 'text', child)`. Attributes whose value is null, undefined
 * or false are left out; `true` sets an empty attribute. Children are nodes or strings (added as text).
 * @param {string} tag
 * @param {Record<string, string | number | boolean | null | undefined>} [attrs]
 * @param {...(Node | string | number | null | undefined | false)} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue
    el.setAttribute(name, value === true ? '' : String(value))
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue
    el.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
  return el
}

/**
 * A hash or address shortened for a table cell, the whole value in a title: `0x18f56f…aea18`.
 * @param {string} text
 */
export function short(text) {
  return text && text.length > 18 ? `${text.slice(0, 8)}…${text.slice(-6)}` : text
}

/**
 * A duration in seconds for people: `59 d 23 h`, `5 h 12 min`, `42 s`; negative ones read `… ago`.
 * @param {number} seconds
 */
export function duration(seconds) {
  const past = seconds < 0
  let s = Math.abs(Math.round(seconds))
  const d = Math.floor(s / 86400)
  s -= d * 86400
  const hours = Math.floor(s / 3600)
  s -= hours * 3600
  const min = Math.floor(s / 60)
  s -= min * 60
  const text = d > 0 ? `${d} d ${hours} h` : hours > 0 ? `${hours} h ${min} min` : min > 0 ? `${min} min ${s} s` : `${s} s`
  return past ? `${text} ago` : text
}

/**
 * A time for people, in UTC: `2026-08-14 00:00 UTC`.
 * @param {string | null | undefined} iso
 */
export function when(iso) {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/**
 * A status badge: the word itself is the label (never color alone).
 * @param {string | null | undefined} status
 */
export function badge(status) {
  const text = status ? String(status).toUpperCase() : 'UNKNOWN'
  return h('span', { class: `badge badge-${text.toLowerCase().replace(/[^a-z0-9]+/g, '-')}` }, text)
}

/**
 * A countdown to a moment, ticking in place (app.js updates every `[data-countdown]` each second).
 * @param {number | null | undefined} seconds seconds from `asOf` to the moment
 * @param {string | null | undefined} iso the moment, for the datetime attribute and the title
 */
export function countdown(seconds, iso) {
  if (seconds === null || seconds === undefined) return '—'
  const el = h('time', { datetime: iso ?? '', title: when(iso), 'data-countdown': String(seconds), 'data-since': String(Date.now()) }, seconds > 0 ? `in ${duration(seconds)}` : `expired ${duration(seconds)}`)
  return el
}

/**
 * Fetches JSON from the API; an error answer becomes an Error with the API's code and message.
 * @param {string} url
 */
export async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' } })
  const body = await response.json().catch(() => null)
  if (!response.ok) {
    const error = new Error(body?.error?.message ?? `${response.status} ${response.statusText}`)
    error.code = body?.error?.code ?? String(response.status)
    error.status = response.status
    throw error
  }
  return body
}
