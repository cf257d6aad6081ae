import type { Context, MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import { methodNotAllowed } from 'hono/method-not-allowed'
import { routePath } from 'hono/route'
import { apiApp, type ApiApp, type ApiEnv } from './api-app.ts'
import { registerApiReference } from './api-reference.ts'
import type { ServiceContext } from './context.ts'
import { failureFields } from './log.ts'
import { errorBody, httpStatus, HttpProblem } from './problem.ts'
import { rateLimit } from './rate-limit.ts'
import { registerCertificate } from './routes/certificate.ts'
import { registerDecision } from './routes/decision.ts'
import { registerEras } from './routes/eras.ts'
import { registerEvents } from './routes/events.ts'
import { registerIndex } from './routes/index-lists.ts'
import { registerService } from './routes/service.ts'
import { registerTrails } from './routes/trails.ts'
import { registerWeb } from './web.ts'

/**
 * The HTTP API of `serve` on a context: every route, its OpenAPI document at /openapi.json and reference at /docs,
 * the web page at /, metrics per route, security headers, optional CORS and rate limit; every error (bad input,
 * unknown route, wrong method, internal failure) answers the CLI's `{ "error": {...} }` document, never a stack.
 * @example const app = createApp(context); serve({ fetch: app.fetch, port: 0 })
 */
export function createApp(ctx: ServiceContext): ApiApp {
  const app = apiApp()
  app.use('*', observe(ctx))
  app.use('*', methodNotAllowed<ApiEnv>({ app, onMethodNotAllowed: (c, methods) => answerError(ctx, c, new HttpProblem(405, 'METHOD_NOT_ALLOWED', `${c.req.method} is not allowed on ${c.req.path}; allowed: ${methods.join(', ')}`, { headers: { Allow: methods.join(', ') } })) }))
  if (ctx.corsOrigins.length) app.use('/v1/*', cors({ origin: ctx.corsOrigins, allowMethods: ['GET', 'POST'], allowHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID'], exposeHeaders: ['ETag', 'Location', 'Retry-After'], maxAge: 600 }))
  if (ctx.limits.rateLimitPerMinute > 0) app.use('*', rateLimit(ctx.limits.rateLimitPerMinute))

  registerService(app, ctx)
  registerDecision(app, ctx)
  registerCertificate(app, ctx)
  registerIndex(app, ctx)
  registerTrails(app, ctx)
  registerEras(app, ctx)
  registerEvents(app, ctx)
  registerApiReference(app, ctx)
  registerWeb(app)

  app.notFound((c) => answerError(ctx, c, new HttpProblem(404, 'NOT_FOUND', `no route ${c.req.method} ${c.req.path}`, { details: 'the API is described at /openapi.json and /docs' })))
  app.onError((error, c) => answerError(ctx, c, error))
  return app
}

/** The error document of a failure; a server-side failure (5xx) is logged with its code, never a stack. */
function answerError(ctx: ServiceContext, c: Context<ApiEnv>, error: unknown): Response {
  const status = httpStatus(error)
  if (status >= 500) ctx.log.log(status === 500 ? 'error' : 'warn', 'http', `${c.req.method} ${c.req.path} answered ${status}`, failureFields(error))
  const headers = error instanceof HttpProblem ? error.headers : {}
  return c.json(errorBody(error), status as 400, headers)
}

/**
 * Per request: the metrics (count and latency by route; `unmatched` for unknown paths, so a scanner cannot grow the
 * label set), the security headers, and the access log line when enabled (method, route, status, time; never a header).
 */
function observe(ctx: ServiceContext): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const started = performance.now()
    // set before the handler answers: headers added to a finished answer would make the Node adapter build it twice
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Referrer-Policy', 'no-referrer')
    c.header('X-Frame-Options', 'SAMEORIGIN')
    await next()
    const matched = routePath(c, -1)
    const route = matched === '*' || matched === '/*' ? 'unmatched' : matched
    const status = c.res.status
    const seconds = (performance.now() - started) / 1000
    ctx.metrics.requests.inc({ method: c.req.method, route, status: String(status) })
    ctx.metrics.latency.observe({ method: c.req.method, route }, seconds)
    if (ctx.accessLog) ctx.log.log('info', 'http', `${c.req.method} ${c.req.path} ${status}`, { route, ms: Math.round(seconds * 10_000) / 10 })
  }
}
