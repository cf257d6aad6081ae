import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { eraListSchema, eraPathSchema, eraViewSchema } from '../../../src/schema/api-era.ts'
import { getEra, listEras, type StoredEra } from '../../sql/eras.ts'
import { errorResponse, isoTime, jsonResponse, requestProblem, type ApiApp } from '../api-app.ts'
import type { ServiceContext } from '../context.ts'
import { limitParam } from '../params.ts'
import { HttpProblem } from '../problem.ts'

const eraQuery = z.strictObject({
  format: z.enum(['json', 'html']).optional().meta({ description: 'json or html; without it the Accept header decides (a browser gets the HTML report)' }),
})

const listQuery = z.strictObject({
  cluster: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a cluster id: 0x followed by 40 hex digits').optional(),
  limit: limitParam.optional().meta({ description: 'default 50' }),
})

const listRoute = createRoute({
  method: 'get',
  path: '/v1/eras',
  tags: ['eras'],
  summary: 'The newest era reconciliations',
  description: 'The stored reconciliations, newest first (of one cluster with `cluster`), each with its verdict and the link to its report.',
  request: { query: listQuery },
  responses: { 200: jsonResponse(eraListSchema, 'The stored reconciliations'), 400: errorResponse('A malformed query') },
})

/**
 * `GET /v1/eras` and `GET /v1/eras/{cluster}/{era}` (JSON, or the HTML report with the money flow chart).
 * @example registerEras(app, context)
 */
export function registerEras(app: ApiApp, ctx: ServiceContext): void {
  app.openapi(listRoute, async (c) => {
    const query = c.req.valid('query')
    const eras = await listEras(ctx.db, { ...(query.cluster ? { clusterId: query.cluster } : {}), limit: Number(query.limit ?? 50) })
    return c.json(
      {
        eras: eras.map((era) => {
          const { result: _result, ...rest } = eraView(era)
          const r = era.result as { conservation?: { holds?: unknown }; quorum?: { holds?: unknown } }
          return { ...rest, conservationHolds: typeof r?.conservation?.holds === 'boolean' ? r.conservation.holds : null, quorumHolds: typeof r?.quorum?.holds === 'boolean' ? r.quorum.holds : null }
        }),
      },
      200,
    )
  })

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/eras/{cluster}/{era}',
    tags: ['eras'],
    summary: "An era's reconciliation, as JSON or as the HTML report",
    description:
      'The reconciliation the era follower stored when `ClusterEraPaid` closed the era (the `reconcile --json` document of spec/era-reconciliation.md). With `Accept: text/html` (a browser) or `?format=html`, the self-contained HTML report with its tables and the money flow chart.',
    request: { params: eraPathSchema, query: eraQuery },
    responses: {
      200: { description: 'The reconciliation', content: { 'application/json': { schema: eraViewSchema }, 'text/html': { schema: z.string() } } },
      400: errorResponse('A malformed cluster id or era'),
      404: errorResponse('No reconciliation stored for this era'),
    },
  })
  app.get('/v1/eras/:cluster/:era', async (c) => {
    const path = eraPathSchema.safeParse(c.req.param())
    if (!path.success) throw requestProblem(path.error, 'param')
    const query = eraQuery.safeParse(c.req.query())
    if (!query.success) throw requestProblem(query.error, 'query')
    const era = await getEra(ctx.db, path.data.cluster, Number(path.data.era))
    if (!era) throw new HttpProblem(404, 'ERA_NOT_FOUND', `no reconciliation is stored for era ${path.data.era} of cluster ${path.data.cluster.toLowerCase()}`)
    const html = query.data.format === 'html' || (query.data.format === undefined && prefersHtml(c.req.header('accept')))
    c.header('Vary', 'Accept')
    if (!html) return c.json(eraView(era), 200)
    if (era.html === null) throw new HttpProblem(404, 'ERA_REPORT_NOT_STORED', `era ${era.era} of cluster ${era.clusterId} was stored without its HTML report`, { details: 'the JSON is at ?format=json' })
    // the report is self-contained (inline style and SVG, no script): nothing else may load in it
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
    return c.html(era.html, 200)
  })
}

function eraView(era: StoredEra) {
  return {
    clusterId: era.clusterId,
    era: era.era,
    verdict: era.verdict,
    result: era.result as z.infer<typeof eraViewSchema>['result'],
    source: era.source,
    block: era.block === null ? null : era.block.toString(),
    reconciledAt: isoTime(era.reconciledAt),
    reportUrl: `/v1/eras/${era.clusterId}/${era.era}?format=html`,
  }
}

/**
 * Whether an Accept header prefers HTML to JSON (by quality, the first listed winning a tie); absent: JSON.
 * @example prefersHtml('text/html,application/xhtml+xml,*\/*;q=0.8') // true
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false
  let html = -1
  let json = -1
  let htmlAt = Infinity
  let jsonAt = Infinity
  accept.split(',').forEach((part, i) => {
    const [type, ...params] = part.trim().toLowerCase().split(';')
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const q = qParam ? Number(qParam.slice(2)) : 1
    if (!Number.isFinite(q)) return
    if (type === 'text/html' && q > html) [html, htmlAt] = [q, i]
    if ((type === 'application/json' || type === 'application/*') && q > json) [json, jsonAt] = [q, i]
  })
  return html > 0 && (html > json || (html === json && htmlAt < jsonAt))
}
