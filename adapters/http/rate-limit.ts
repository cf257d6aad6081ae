import { getConnInfo } from '@hono/node-server/conninfo'
import type { MiddlewareHandler } from 'hono'
import type { ApiEnv } from './api-app.ts'
import { HttpProblem } from './problem.ts'

/**
 * An optional per-client rate limit (`serve --rate-limit N`): a token bucket of N requests per minute per remote
 * address, refilled continuously; past it, 429 RATE_LIMITED with Retry-After. /health and /metrics are not limited.
 * Behind a proxy every client shares the proxy's address: limit at the proxy there instead.
 * @example app.use('*', rateLimit(600))
 */
export function rateLimit(perMinute: number): MiddlewareHandler<ApiEnv> {
  const buckets = new Map<string, { tokens: number; at: number }>()
  const perMs = perMinute / 60_000
  return async (c, next) => {
    // monitoring (a load balancer's health checks, Prometheus) is never limited
    if (c.req.path === '/health' || c.req.path === '/metrics') return next()
    const now = Date.now()
    const client = remoteAddress(c)
    const bucket = buckets.get(client) ?? { tokens: perMinute, at: now }
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * perMs)
    bucket.at = now
    if (bucket.tokens < 1) {
      buckets.set(client, bucket)
      const wait = Math.ceil((1 - bucket.tokens) / perMs / 1000)
      throw new HttpProblem(429, 'RATE_LIMITED', `more than ${perMinute} requests a minute from this client`, { headers: { 'Retry-After': String(wait) } })
    }
    bucket.tokens -= 1
    buckets.set(client, bucket)
    if (buckets.size > 50_000) for (const [key, b] of buckets) if (now - b.at > 60_000) buckets.delete(key)
    await next()
  }
}

function remoteAddress(c: Parameters<MiddlewareHandler<ApiEnv>>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    return 'unknown'
  }
}
