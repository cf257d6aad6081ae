import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { BridgeError } from '../../src/errors.ts'
import type { Context } from 'hono'
import type { ApiApp } from './api-app.ts'

/**
 * The page's Content-Security-Policy: its own scripts, styles and API only (the era reports it frames are same-origin).
 */
export const PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'; object-src 'none'"

/** The files of the web page, with their content types: plain HTML, CSS and JavaScript modules, no build step. */
const ASSETS: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'views.js': 'text/javascript; charset=utf-8',
  'format.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
}

/**
 * The folder of the page's files: `web/` beside this module when it runs from source, else the source folder
 * `adapters/http/web/` of the package when it runs compiled from dist/ (tsc copies no assets).
 */
function webFolder(): string {
  const candidates = [new URL('./web/', import.meta.url), new URL('../../../adapters/http/web/', import.meta.url)]
  const found = candidates.find((url) => existsSync(new URL('index.html', url)))
  if (!found) throw new BridgeError('INPUT_UNREADABLE', 'the web page files are missing from this installation', { kind: 'io', file: fileURLToPath(candidates[1]!), details: 'reinstall ccp-bridge: its package holds adapters/http/web/' })
  return fileURLToPath(found)
}

/**
 * `GET /` (the dashboard) and `GET /assets/*` (its scripts and styles), read once at start and served with an ETag.
 * @example registerWeb(app)
 */
export function registerWeb(app: ApiApp): void {
  const folder = webFolder()
  const files = new Map(
    Object.entries(ASSETS).map(([name, type]) => {
      const bytes = readFileSync(`${folder}${name}`)
      return [name, { bytes, type, etag: `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}"` }] as const
    }),
  )
  const serve = (name: string) => (c: Context) => {
    const file = files.get(name)!
    const headers: Record<string, string> = { 'Content-Type': file.type, ETag: file.etag, 'Cache-Control': 'no-cache' }
    if (name.endsWith('.html')) headers['Content-Security-Policy'] = PAGE_CSP
    if (c.req.header('if-none-match') === file.etag) return c.body(null, 304, headers)
    return c.body(new Uint8Array(file.bytes), 200, headers)
  }
  app.get('/', serve('index.html'))
  for (const name of files.keys()) if (name !== 'index.html') app.get(`/assets/${name}`, serve(name))
}

/**
 * Text made safe inside HTML (element content and quoted attributes).
 * @example escapeHtml('<b>"x"</b>') // '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}
