import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SqlDatabase } from '../../../adapters/sql/database.ts'
import { openDatabase } from '../../../adapters/sql/open-database.ts'
import type { LogLevel } from '../../../adapters/http/log.ts'
import { startService, type RunningService, type ServiceOptions } from '../../../adapters/http/service.ts'
import { freshSchema, testDatabaseUrl } from '../../support/postgres.ts'

export type Engine = 'pglite' | 'postgres'

export type TestService = {
  service: RunningService
  url: string
  db: SqlDatabase
  /** every line the service logged */
  logs: Array<{ level: LogLevel; scope: string; message: string; fields: Record<string, unknown> }>
  stop(): Promise<void>
}

/**
 * A `serve` on 127.0.0.1 port 0 for a test: on PGlite in a temp folder, or on the test PostgreSQL in a schema of its
 * own (dropped on stop). Its log is kept in memory, so a test can assert that nothing was logged with a stack.
 * @example const t = await startTestService('pglite', { rpcUrl, registry }); …; await t.stop()
 */
export async function startTestService(engine: Engine, options: Partial<ServiceOptions> = {}): Promise<TestService> {
  const dir = mkdtempSync(join(tmpdir(), 'ccp-serve-'))
  const logs: TestService['logs'] = []
  const log = { log: (level: LogLevel, scope: string, message: string, fields: Record<string, unknown> = {}) => void logs.push({ level, scope, message, fields }) }
  let db: SqlDatabase
  let drop: (() => Promise<void>) | undefined
  if (engine === 'postgres') {
    const fresh = freshSchema('http')
    drop = fresh.drop
    db = await openDatabase({ url: testDatabaseUrl, schema: fresh.schema, dataDir: dir })
  } else {
    db = await openDatabase({ dataDir: dir })
  }
  const service = await startService({ version: 'test', port: 0, dataDir: dir, db, log, workers: 1, ...options })
  return {
    service,
    url: service.url,
    db,
    logs,
    async stop() {
      await service.stop()
      await db.close()
      await drop?.()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Polls `fn` every 100 ms until it returns something other than undefined (or throws nothing), for up to `ms`.
 * @example const agents = await eventually(async () => { const r = await get('/v1/agents'); return r.agents.length ? r : undefined })
 */
export async function eventually<T>(fn: () => Promise<T | undefined>, ms = 20_000, what = 'the condition'): Promise<T> {
  const deadline = Date.now() + ms
  let last: unknown
  for (;;) {
    try {
      const value = await fn()
      if (value !== undefined) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** One event of an SSE stream as received. */
export type SseMessage = { id?: string; event?: string; data: string }

/**
 * A Server-Sent Events client over fetch: collects the messages (and comments) of a stream; `next(predicate)` waits for
 * a message that matches.
 * @example const sse = await openSse(`${url}/v1/events`); const m = await sse.next((m) => m.event === 'certificate'); sse.close()
 */
export async function openSse(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController()
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal })
  const messages: SseMessage[] = []
  const comments: string[] = []
  let waiters: Array<() => void> = []
  let ended = false
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  void (async () => {
    let buffer = ''
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        buffer += decoder.decode(value, { stream: true })
        let at: number
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at)
          buffer = buffer.slice(at + 2)
          const message: SseMessage = { data: '' }
          let data: string[] = []
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim())
            else if (line.startsWith('data: ')) data.push(line.slice(6))
            else if (line.startsWith('id: ')) message.id = line.slice(4)
            else if (line.startsWith('event: ')) message.event = line.slice(7)
          }
          if (data.length) {
            message.data = data.join('\n')
            messages.push(message)
          }
          data = []
        }
        for (const wake of waiters) wake()
        waiters = []
      }
    } catch {
      // aborted by close()
    } finally {
      ended = true
      for (const wake of waiters) wake()
    }
  })()
  return {
    response,
    messages,
    comments,
    ended: () => ended,
    async next(predicate: (m: SseMessage) => boolean, ms = 20_000): Promise<SseMessage> {
      const deadline = Date.now() + ms
      for (;;) {
        const found = messages.find(predicate)
        if (found) return found
        if (ended) throw new Error(`the stream ended before the awaited event (got ${messages.length} messages)`)
        if (Date.now() > deadline) throw new Error(`timed out waiting for an SSE event (got ${JSON.stringify(messages.map((m) => m.event))})`)
        await new Promise<void>((resolve) => {
          waiters.push(resolve)
          setTimeout(resolve, 200)
        })
      }
    },
    /** resolves when the server ends the stream */
    async closedByServer(ms = 10_000): Promise<void> {
      const deadline = Date.now() + ms
      while (!ended) {
        if (Date.now() > deadline) throw new Error('the server did not end the stream')
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    },
    close() {
      controller.abort()
    },
  }
}
