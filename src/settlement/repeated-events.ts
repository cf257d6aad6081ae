import { BridgeError } from '../errors.ts'
import { describeEventSource, type LocatedEvent } from './event-lines.ts'

/**
 * Refuses events that share a (block, index) position: a chain has one event there, so a second one is the same event
 * read twice (two exports concatenated, a line pasted twice), and summing both would double what it says.
 * The error names the file and both places (exit 2).
 * @example refuseRepeatedEvents(parseEventLines(text, 'era.jsonl'))
 */
export function refuseRepeatedEvents(events: ReadonlyArray<LocatedEvent>): void {
  const seen = new Map<string, LocatedEvent>()
  for (const event of events) {
    const key = `${event.block}/${event.index}`
    const first = seen.get(key)
    if (first) {
      throw new BridgeError('EVENTS_REPEATED', `${describeEventSource(event)} repeats block ${event.block} event ${event.index}, already read at ${describeEventSource(first)}`, {
        ...(event.file !== undefined ? { file: event.file } : {}),
        details: 'each (block, index) is one chain event: remove the repeated line (were two exports concatenated?)',
      })
    }
    seen.set(key, event)
  }
}
