import { createRoute } from '@hono/zod-openapi'
import { healthSchema } from '../../../src/schema/api-service.ts'
import { jsonResponse, type ApiApp } from '../api-app.ts'
import type { ServiceContext } from '../context.ts'

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['service'],
  summary: 'Whether the service can answer',
  description: 'Answers from what the server already knows (the database is pinged in the background), so it costs no query: 200 while the database answers, 503 when it does not. The background loops report their last error.',
  responses: { 200: jsonResponse(healthSchema, 'The service answers'), 503: jsonResponse(healthSchema, 'The database does not answer') },
})

/**
 * `GET /health` and `GET /metrics` (Prometheus text format).
 * @example registerService(app, context)
 */
export function registerService(app: ApiApp, ctx: ServiceContext): void {
  app.openapi(healthRoute, (c) => {
    const head = ctx.changes.head()
    const ok = ctx.probes.database
    const body = {
      status: ok && !ctx.loops.watcher.lastError && !ctx.loops.eras.lastError ? ('ok' as const) : ('degraded' as const),
      version: ctx.version,
      database: ctx.db.engine,
      registry: ctx.chain ? ctx.chain.address : null,
      watcher: { running: ctx.loops.watcher.running, head: head === undefined ? null : head.toString(), lastError: ctx.loops.watcher.lastError },
      eras: { running: ctx.loops.eras.running, block: ctx.loops.eras.block === undefined ? null : ctx.loops.eras.block.toString(), lastError: ctx.loops.eras.lastError },
      uptimeSeconds: Math.floor((Date.now() - ctx.startedAt) / 1000),
    }
    return ok ? c.json(body, 200) : c.json(body, 503)
  })

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/metrics',
    tags: ['service'],
    summary: 'Prometheus metrics',
    description: 'Requests and latency by route, decisions cache hits and misses, SSE clients, the watcher head, uploads, background errors, and Node process metrics, in the Prometheus text format.',
    responses: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
  })
  app.get('/metrics', async (c) => {
    const text = await ctx.metrics.registry.metrics()
    return c.body(text, 200, { 'Content-Type': ctx.metrics.registry.contentType })
  })
}
