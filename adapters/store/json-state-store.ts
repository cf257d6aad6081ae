import { readFile } from 'node:fs/promises'
import { BridgeError } from '../../src/errors.ts'
import type { StateStore } from '../../src/ports.ts'
import { writeFileAtomic } from './atomic-file.ts'

/**
 * The state store of publish steps and the watch cursor: one JSON file rewritten atomically on every write
 * (temp + fsync + rename), so a crash leaves the last completed write. Writes in one process are serialised.
 * @example const state = jsonStateStore('store/state.json'); await state.write('watch/cursor', { block: '12' })
 */
export function jsonStateStore(file: string): StateStore {
  let queue: Promise<unknown> = Promise.resolve()
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task)
    queue = next.catch(() => undefined)
    return next
  }
  return {
    read: <T>(key: string) => serial(async () => (await load(file))[key] as T | undefined),
    write: (key, value) =>
      serial(async () => {
        const state = await load(file)
        state[key] = JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)))
        await writeFileAtomic(file, new TextEncoder().encode(`${JSON.stringify(state, null, 2)}\n`))
      }),
    keys: (prefix) => serial(async () => Object.keys(await load(file)).filter((k) => k.startsWith(prefix)).sort()),
  }
}

async function load(file: string): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw new BridgeError('STATE_UNREADABLE', `cannot read the state file ${file}`, { kind: 'io', file, cause })
  }
  try {
    const value = JSON.parse(text) as unknown
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object')
    return value as Record<string, unknown>
  } catch (cause) {
    throw new BridgeError('STATE_CORRUPT', `the state file ${file} is not a JSON object`, { file, cause, details: (cause as Error).message })
  }
}
