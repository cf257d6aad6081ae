import type { SqlDatabase } from '../sql/database.ts'
import { onEventAppended } from '../sql/events.ts'

/**
 * One listener on the database's event channel for the whole server, fanned out to subscribers (the change follower,
 * each SSE client): `subscribe(fn)` calls `fn` whenever any process appends an event; a subscriber then reads what it
 * missed from the events table, so a wake-up lost or merged never loses an event.
 * @example const feed = await eventFeed(db); const stop = feed.subscribe(() => void drain()); …; await feed.close()
 */
export async function eventFeed(db: SqlDatabase): Promise<EventFeed> {
  const subscribers = new Set<() => void>()
  const unlisten = await onEventAppended(db, () => {
    for (const wake of [...subscribers]) wake()
  })
  return {
    subscribe(wake) {
      subscribers.add(wake)
      return () => subscribers.delete(wake)
    },
    /** wakes every subscriber, as an appended event would (for an in-process writer that wants its readers to look now) */
    wakeAll() {
      for (const wake of [...subscribers]) wake()
    },
    async close() {
      subscribers.clear()
      await unlisten()
    },
  }
}

export type EventFeed = {
  subscribe(wake: () => void): () => void
  wakeAll(): void
  close(): Promise<void>
}
