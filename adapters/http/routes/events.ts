import { z } from 'zod'
import { serviceEventSchema } from '../../../src/schema/api-service.ts'
import { eventsAfter, type BridgeEvent } from '../../sql/events.ts'
import { newestEventId } from '../../sql/verify-decisions.ts'
import { errorResponse, requestProblem, type ApiApp } from '../api-app.ts'
import type { ServiceContext } from '../context.ts'
import { failureFields } from '../log.ts'
import { HttpProblem } from '../problem.ts'

const eventsQuery = z.strictObject({
  kinds: z
    .string()
    .regex(/^(certificate|era)(,(certificate|era))*$/, 'expected certificate, era, or both separated by a comma')
    .optional()
    .meta({ description: 'only these kinds (default both)', example: 'certificate' }),
  after: z.string().regex(/^\d{1,19}$/, 'expected an event id (a whole number)').optional().meta({ description: 'replay the events after this id (as Last-Event-ID does); 0 replays the whole log' }),
})

const lastEventId = z.string().regex(/^\d{1,19}$/, 'expected an event id (a whole number)')

/** Events read per query while replaying. */
const PAGE = 200
/** A client that lets this much pile up unread is too slow: its stream ends (it reconnects with Last-Event-ID). */
const MAX_BUFFERED = 1024 * 1024

/**
 * `GET /v1/events`: Server-Sent Events of certificate status changes and era verdicts, read from the events table:
 * first the events after `Last-Event-ID` (or `?after=`), then each new one as it is appended (the database's NOTIFY
 * wakes the stream), with a comment heartbeat when nothing happens. A client that reconnects with the last id it saw
 * misses nothing; shutting the server down ends every stream cleanly.
 * @example registerEvents(app, context) // curl -N http://127.0.0.1:8080/v1/events
 */
export function registerEvents(app: ApiApp, ctx: ServiceContext): void {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/events',
    tags: ['events'],
    summary: 'Live certificate status changes and era verdicts (Server-Sent Events)',
    description:
      'A `text/event-stream`: each event has `id:` (its id in the log), `event:` (`certificate` or `era`) and `data:` (a ServiceEvent as JSON). Without `Last-Event-ID` or `after` the stream starts with the next event; with one, it first replays every event after that id. A `: ping` comment is sent every 15 s (serve --sse-heartbeat) when nothing happens.',
    request: { query: eventsQuery, headers: z.object({ 'last-event-id': lastEventId.optional() }) },
    responses: {
      200: { description: 'The stream; each data line is a ServiceEvent', content: { 'text/event-stream': { schema: serviceEventSchema } } },
      400: errorResponse('A malformed Last-Event-ID, after or kinds'),
      503: errorResponse('Too many clients are connected'),
    },
  })

  app.get('/v1/events', async (c) => {
    const query = eventsQuery.safeParse(c.req.query())
    if (!query.success) throw requestProblem(query.error, 'query')
    const header = c.req.header('last-event-id')
    if (header !== undefined) {
      const parsed = lastEventId.safeParse(header.trim())
      if (!parsed.success) throw new HttpProblem(400, 'LAST_EVENT_ID_INVALID', 'header Last-Event-ID: expected an event id (a whole number)', { path: '$.headers.last-event-id' })
    }
    if (ctx.streams.size >= ctx.limits.sseClients) throw new HttpProblem(503, 'TOO_MANY_STREAMS', `${ctx.streams.size} clients are connected to /v1/events, the most this server serves`, { headers: { 'Retry-After': '10' } })
    const headers = { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' }
    if (c.req.method === 'HEAD') return c.body(null, 200, headers) // no stream is opened for a HEAD
    const kinds = new Set((query.data.kinds ?? 'certificate,era').split(','))
    const start = header?.trim() ?? query.data.after ?? (await newestEventId(ctx.db))
    return new Response(eventStream(ctx, start, kinds), { headers })
  })
}

function eventStream(ctx: ServiceContext, start: string, kinds: Set<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  let closed = false
  let dirty = false
  let waiter: (() => void) | undefined
  let timer: NodeJS.Timeout | undefined
  let unsubscribe: () => void = () => undefined
  let end: () => void = () => undefined
  const wake = () => {
    dirty = true
    waiter?.()
  }
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        end = () => {
          if (closed) return
          closed = true
          unsubscribe()
          clearTimeout(timer)
          ctx.streams.delete(end)
          ctx.metrics.sseClients.dec()
          waiter?.()
          try {
            controller.close()
          } catch {
            // already closed by the client going away
          }
        }
        ctx.streams.add(end)
        ctx.metrics.sseClients.inc()
        unsubscribe = ctx.feed.subscribe(wake)
        const write = (text: string) => {
          if (closed) return
          controller.enqueue(encoder.encode(text))
          if ((controller.desiredSize ?? 0) < -MAX_BUFFERED) {
            ctx.log.log('warn', 'events', 'a client of /v1/events reads too slowly; its stream ends (it resumes with Last-Event-ID)')
            end()
          }
        }
        const run = async () => {
          write(`retry: 3000\n: ccp-bridge events after ${start}\n\n`)
          let lastId = start
          while (!closed) {
            dirty = false
            // the caches apply every event first (one shared run for all streams), so a client that sees a
            // certificate change here never gets a decision from before it
            await ctx.changes.refresh()
            const events = await eventsAfter(ctx.db, lastId, PAGE)
            for (const event of events) {
              if (kinds.has(event.kind)) {
                write(`id: ${event.id}\nevent: ${event.kind}\ndata: ${JSON.stringify(eventJson(event))}\n\n`)
                ctx.metrics.eventsSent.inc()
              }
              lastId = event.id
            }
            if (events.length === PAGE || dirty) continue
            const woke = await new Promise<boolean>((resolve) => {
              waiter = () => resolve(true)
              timer = setTimeout(() => resolve(false), ctx.limits.heartbeatSeconds * 1000)
            })
            waiter = undefined
            clearTimeout(timer)
            if (!woke) write(': ping\n\n')
          }
        }
        run().catch((error) => {
          if (!closed) ctx.log.log('warn', 'events', 'a /v1/events stream ended on an error (the client resumes with Last-Event-ID)', failureFields(error))
          end()
        })
      },
      cancel() {
        end()
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  )
}

/**
 * An event as `/v1/events` sends it (a ServiceEvent): block numbers as decimal strings, times as ISO 8601.
 * @example eventJson(event) // { id: '7', kind: 'certificate', subject: '0x18f5…', payload: { … }, block: '12', createdAt: '…' }
 */
export function eventJson(event: BridgeEvent): z.infer<typeof serviceEventSchema> {
  return { id: event.id, kind: event.kind, subject: event.subject, payload: event.payload, block: event.block === null ? null : event.block.toString(), createdAt: event.createdAt.toISOString() }
}
