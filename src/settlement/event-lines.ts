import { BridgeError } from '../errors.ts'
import { parseJson } from '../json/parse-json.ts'
import { eraEventLineSchema, type EraEventLine } from '../schema/settlement.ts'
import { zodIssues } from '../schema/zod-issues.ts'

/** A chain event with where it came from: a line of an events file, or a block of the chain. */
export type LocatedEvent = EraEventLine & { line?: number; file?: string }

/**
 * Parses an events file (JSON Lines, one decoded event a line); blank lines are skipped.
 * A bad line is a BridgeError naming the file, the line number and the field (exit 2).
 * @example parseEventLines(text, 'era-412.jsonl')[0].method // 'Charged'
 */
export function parseEventLines(text: string, file: string): LocatedEvent[] {
  const events: LocatedEvent[] = []
  const lines = text.split('\n')
  lines.forEach((raw, i) => {
    const line = i + 1
    const body = raw.trim()
    if (body === '') return
    const value = parseJson(body, { file, line, what: `line ${line}`, code: 'EVENTS_LINE_NOT_JSON' }) // strict: duplicate keys refused
    const parsed = eraEventLineSchema.safeParse(value)
    if (!parsed.success) {
      const issue = zodIssues(parsed.error)[0]!
      throw new BridgeError('EVENTS_LINE_INVALID', `line ${line}: ${issue.message}`, {
        file,
        path: issue.path,
        details: 'each line must be {"block", "index", "section", "method", "data"} (spec/era-reconciliation.md)',
      })
    }
    events.push({ ...parsed.data, line, file })
  })
  return events
}

/**
 * Writes events as JSON Lines (the `events export` format); bigint amounts become decimal strings.
 * @example serializeEventLines(events) // '{"block":1,…}\n'
 */
export function serializeEventLines(events: ReadonlyArray<EraEventLine>): string {
  return events
    .map(({ block, index, section, method, data }) =>
      JSON.stringify({ block, index, section, method, data }, (_key, value) => (typeof value === 'bigint' ? value.toString() : value)),
    )
    .map((line) => `${line}\n`)
    .join('')
}

/**
 * Where an event came from, for messages: its line in a file, or its block and index on the chain.
 * @example describeEventSource({ block: 5, index: 3, … }) // 'block 5 event 3'
 */
export function describeEventSource(event: LocatedEvent): string {
  return event.line !== undefined ? `line ${event.line}` : `block ${event.block} event ${event.index}`
}
