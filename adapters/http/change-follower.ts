import type { SqlDatabase } from '../sql/database.ts'
import { eventsAfter, type BridgeEvent } from '../sql/events.ts'
import { newestEventId } from '../sql/verify-decisions.ts'
import type { RegistryChange } from './decision-cache.ts'
import type { EventFeed } from './event-feed.ts'
import { failureFields, type Logger } from './log.ts'

/**
 * What the server knows of the registry through the watcher: the newest confirmed block it has seen (its head), and
 * every certificate change up to it, applied to the caches before the head moves. Each refresh reads the head first,
 * then the event log up to its end: the watcher appends a block's events before it records the block as its head, so
 * once the head reads H every change up to H has been applied, and a cached decision still present reflects H.
 */
export type ChangeFollower = {
  /** the watcher's head as last read (undefined until it has recorded one) */
  head(): bigint | undefined
  /** reads the head and applies the new events now (wakes and the timer call it; concurrent calls share one run) */
  refresh(): Promise<void>
  stop(): void
}

/**
 * Follows the watcher's head and events: wakes on every appended event (the feed) and every `intervalMs` (a head
 * moves without an event), applies each certificate event to `onChange`, then publishes the head through `onHead`.
 * @example const follower = await followChanges({ db, feed, readHead: () => watcherHead(db), onChange: (c) => cache.invalidate(c), log })
 */
export async function followChanges(options: {
  db: SqlDatabase
  feed: EventFeed
  readHead: () => Promise<bigint | undefined>
  onChange: (change: RegistryChange) => void
  onHead?: (head: bigint) => void
  log: Logger
  intervalMs?: number
}): Promise<ChangeFollower> {
  let lastId = await newestEventId(options.db)
  let head: bigint | undefined
  let running: Promise<void> | undefined
  let again = false
  let failing = false
  const once = async () => {
    const next = await options.readHead()
    for (;;) {
      const events = await eventsAfter(options.db, lastId, 500)
      for (const event of events) {
        if (event.kind === 'certificate') options.onChange(changeOf(event))
        lastId = event.id
      }
      if (events.length < 500) break
    }
    if (next !== undefined && (head === undefined || next > head)) {
      head = next
      options.onHead?.(next)
    }
  }
  const refresh = (): Promise<void> => {
    if (running) {
      again = true
      return running
    }
    running = (async () => {
      do {
        again = false
        try {
          await once()
          if (failing) options.log.log('info', 'changes', 'reading the event log again')
          failing = false
        } catch (error) {
          if (!failing) options.log.log('warn', 'changes', 'cannot read the watcher head or the event log (retrying)', failureFields(error))
          failing = true
        }
      } while (again)
    })().finally(() => (running = undefined))
    return running
  }
  await refresh()
  const unsubscribe = options.feed.subscribe(() => void refresh())
  const timer = setInterval(() => void refresh(), options.intervalMs ?? 1000)
  timer.unref()
  return {
    head: () => head,
    refresh,
    stop() {
      unsubscribe()
      clearInterval(timer)
    },
  }
}

/**
 * The registry change a certificate event stands for: its certHash (the subject) and its agent when the payload names
 * one; an event without an agent may concern any agent (a publish that displaces another certificate), so it changes all.
 * @example changeOf(event) // { certHash: '0x18f5…', agent: '0x3C44…' }
 */
export function changeOf(event: BridgeEvent): RegistryChange {
  const agent = typeof event.payload.agent === 'string' && /^0x[0-9a-fA-F]{40}$/.test(event.payload.agent) ? event.payload.agent : undefined
  return agent ? { certHash: event.subject, agent } : { certHash: event.subject, all: true }
}
