import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'

/**
 * The Prometheus metrics of one server (a registry of its own, so two servers in one process never share counters):
 * requests and their latency by route, the decisions cache, SSE clients, the watcher's head, uploads, and Node's own.
 * @example const metrics = serviceMetrics(); metrics.requests.inc({ method: 'GET', route: '/health', status: '200' })
 */
export function serviceMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'ccp_bridge_' })
  return {
    registry,
    requests: new Counter({ name: 'ccp_bridge_http_requests_total', help: 'HTTP requests answered, by method, route and status', labelNames: ['method', 'route', 'status'] as const, registers: [registry] }),
    latency: new Histogram({
      name: 'ccp_bridge_http_request_duration_seconds',
      help: 'Time to answer an HTTP request (to the first byte of a stream), by method and route',
      labelNames: ['method', 'route'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    decisionCache: new Counter({ name: 'ccp_bridge_decision_cache_total', help: 'verify-agent decisions by where they came from: memory, sql (cache hits) or computed (a miss)', labelNames: ['result'] as const, registers: [registry] }),
    decisionInvalidations: new Counter({ name: 'ccp_bridge_decision_invalidations_total', help: 'cached decisions dropped because the registry changed or time passed', registers: [registry] }),
    sseClients: new Gauge({ name: 'ccp_bridge_sse_clients', help: 'clients connected to /v1/events', registers: [registry] }),
    eventsSent: new Counter({ name: 'ccp_bridge_sse_events_sent_total', help: 'events written to /v1/events clients', registers: [registry] }),
    watcherHead: new Gauge({ name: 'ccp_bridge_watcher_head_block', help: 'the newest confirmed registry block the watcher has seen', registers: [registry] }),
    uploads: new Counter({ name: 'ccp_bridge_trail_uploads_total', help: 'trail uploads by result: ok, not-ok (the report found problems) or refused', labelNames: ['result'] as const, registers: [registry] }),
    loopErrors: new Counter({ name: 'ccp_bridge_background_errors_total', help: 'failed rounds of the background loops (each is retried with backoff)', labelNames: ['loop'] as const, registers: [registry] }),
  }
}

export type ServiceMetrics = ReturnType<typeof serviceMetrics>
