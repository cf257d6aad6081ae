import type { ApiApp } from './api-app.ts'
import type { ServiceContext } from './context.ts'
import { escapeHtml, PAGE_CSP } from './web.ts'

type OpenApiDocument = ReturnType<ApiApp['getOpenAPI31Document']>
type Operation = { summary?: string; description?: string; tags?: string[]; parameters?: any[]; requestBody?: any; responses?: Record<string, any>; security?: unknown[] }

/**
 * `GET /openapi.json` (the OpenAPI 3.1 document generated from the routes' zod schemas, built once) and `GET /docs`
 * (the API reference page rendered from that document on the server: no script, no outside resources).
 * @example registerApiReference(app, context)
 */
export function registerApiReference(app: ApiApp, ctx: ServiceContext): void {
  let doc: OpenApiDocument | undefined
  const document = () =>
    (doc ??= app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'ccp-bridge service',
        version: ctx.version,
        description:
          'The HTTP API of ccp-bridge serve: counterparty decisions (verify-agent), certificates and their lifecycle, trail verification, era reconciliations and live events. Every error answers { "error": { code, message, … } }, the document the CLI prints with --json.',
      },
    }))
  app.get('/openapi.json', (c) => c.json(document(), 200, { 'Cache-Control': 'no-cache' }))
  app.get('/docs', (c) => c.html(referencePage(document()), 200, { 'Content-Security-Policy': PAGE_CSP }))
}

/**
 * The reference page of an OpenAPI document: every operation with its parameters, body and answers, then every schema.
 * @example referencePage(app.getOpenAPI31Document({ openapi: '3.1.0', info }))
 */
export function referencePage(doc: OpenApiDocument): string {
  const operations: string[] = []
  const toc: string[] = []
  for (const [path, item] of Object.entries(doc.paths ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    for (const method of ['get', 'post', 'put', 'delete'] as const) {
      const op = (item as Record<string, Operation | undefined>)[method]
      if (!op) continue
      const id = `${method}-${path.replace(/[^a-zA-Z0-9]+/g, '-').replace(/-+$/, '')}`
      toc.push(`<li><a href="#${id}"><span class="method">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></a> ${escapeHtml(op.summary ?? '')}</li>`)
      operations.push(operationSection(id, method, path, op))
    }
  }
  const schemas = Object.entries(doc.components?.schemas ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, schema]) => `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3><details><summary>JSON Schema of ${escapeHtml(name)}</summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details></section>`)
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference · ccp-bridge</title>
<link rel="stylesheet" href="/assets/style.css">
</head>
<body>
<a class="skip" href="#main">Skip to the reference</a>
<header class="top"><p class="brand"><a href="/">ccp-bridge</a></p><nav aria-label="Site"><ul><li><a href="/">Dashboard</a></li><li><a href="/docs" aria-current="page">API reference</a></li><li><a href="/openapi.json">openapi.json</a></li></ul></nav></header>
<main id="main" class="reference" tabindex="-1">
<h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1>
<p>${escapeHtml(doc.info.description ?? '')}</p>
<p>The machine-readable document is <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escapeHtml(doc.openapi)}).</p>
<h2>Endpoints</h2>
<ul class="toc">${toc.join('\n')}</ul>
${operations.join('\n')}
<h2>Schemas</h2>
${schemas.join('\n')}
</main>
</body>
</html>
`
}

function operationSection(id: string, method: string, path: string, op: Operation): string {
  const params = (op.parameters ?? []).map(
    (p) =>
      `<tr><td><code>${escapeHtml(String(p.name))}</code></td><td>${escapeHtml(String(p.in))}</td><td>${p.required ? 'yes' : 'no'}</td><td>${escapeHtml(schemaText(p.schema))}</td><td>${escapeHtml(String(p.description ?? p.schema?.description ?? ''))}</td></tr>`,
  )
  const body = op.requestBody?.content ? `<p><strong>Body:</strong> ${Object.keys(op.requestBody.content).map((t) => `<code>${escapeHtml(t)}</code>`).join(', ')}</p>` : ''
  const auth = op.security?.length ? '<p><strong>Authorization:</strong> <code>Bearer</code> API key (<code>ccp-bridge keys create</code>)</p>' : ''
  const responses = Object.entries(op.responses ?? {}).map(([status, r]) => {
    const content = Object.entries((r?.content ?? {}) as Record<string, { schema?: any }>)
      .map(([type, c]) => `<code>${escapeHtml(type)}</code>${c.schema?.$ref ? ` <a href="#schema-${escapeHtml(refName(c.schema.$ref))}">${escapeHtml(refName(c.schema.$ref))}</a>` : ''}`)
      .join(', ')
    return `<tr><td>${escapeHtml(status)}</td><td>${escapeHtml(String(r?.description ?? ''))}</td><td>${content}</td></tr>`
  })
  return `<section class="operation" id="${id}" aria-labelledby="${id}-title">
<h3 id="${id}-title"><span class="method">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary ?? '')}</p>
${op.description ? `<p>${escapeHtml(op.description)}</p>` : ''}
${auth}
${params.length ? `<table><caption>Parameters</caption><thead><tr><th scope="col">name</th><th scope="col">in</th><th scope="col">required</th><th scope="col">schema</th><th scope="col">description</th></tr></thead><tbody>${params.join('')}</tbody></table>` : ''}
${body}
<table><caption>Answers</caption><thead><tr><th scope="col">status</th><th scope="col">meaning</th><th scope="col">content</th></tr></thead><tbody>${responses.join('')}</tbody></table>
</section>`
}

function refName(ref: string): string {
  return ref.replace('#/components/schemas/', '')
}

function schemaText(schema: any): string {
  if (!schema) return ''
  if (schema.$ref) return refName(schema.$ref)
  if (schema.enum) return schema.enum.join(' | ')
  return [schema.type, schema.pattern ? `/${schema.pattern}/` : '', schema.format ?? ''].filter(Boolean).join(' ')
}
