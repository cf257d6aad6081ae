import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { BridgeError } from '../../src/errors.ts'
import { decodeUtf8, parseJson } from '../../src/json/parse-json.ts'
import { LIMITS } from '../../src/limits.ts'
import { readFileBounded } from '../files/read-file.ts'
import type { StateStore } from '../../src/ports.ts'
import { writeFileAtomic } from './atomic-file.ts'

/**
 * The state store of publish steps and the watch cursor: one JSON file rewritten atomically on every write
 * (temp + fsync + rename), so a crash leaves the last completed write. Writes in one process are serialised, and
 * across processes (a running `watch` and a `publish` share the default file) each read-modify-write holds a lock file.
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
      serial(() =>
        withLock(file, async () => {
          const state = await load(file)
          state[key] = JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)))
          await writeFileAtomic(file, new TextEncoder().encode(`${JSON.stringify(state, null, 2)}\n`))
        }),
      ),
    keys: (prefix) => serial(async () => Object.keys(await load(file)).filter((k) => k.startsWith(prefix)).sort()),
  }
}

async function load(file: string): Promise<Record<string, unknown>> {
  let bytes: Uint8Array
  try {
    bytes = await readFileBounded(file, LIMITS.stateFile)
  } catch (cause) {
    if ((cause as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') return {}
    throw new BridgeError('STATE_UNREADABLE', `cannot read the state file: ${(cause as BridgeError).shortMessage}`, { kind: 'io', file, cause })
  }
  const origin = { file, what: 'the state file', code: 'STATE_CORRUPT' }
  const value = parseJson(decodeUtf8(bytes, origin), origin) // strict: duplicate keys refused
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new BridgeError('STATE_CORRUPT', `the state file ${file} is not a JSON object`, { file, path: '$' })
  return value as Record<string, unknown>
}

const LOCK_WAIT_MS = 10_000
/** a lock file without a readable pid this old was left by a writer that died while creating it */
const LOCK_ORPHAN_MS = 5_000

/** Runs `task` holding `<file>.lock` (created exclusively, holding our pid); a lock whose process is gone is taken over. */
async function withLock<T>(file: string, task: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`
  await mkdir(dirname(file), { recursive: true })
  const deadline = Date.now() + LOCK_WAIT_MS
  for (;;) {
    try {
      const handle = await open(lock, 'wx')
      await handle.writeFile(String(process.pid)).finally(() => handle.close())
      break
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') throw new BridgeError('STATE_UNWRITABLE', `cannot lock the state file ${file}`, { kind: 'io', file: lock, cause, details: (cause as Error).message })
      if (await abandoned(lock)) await unlink(lock).catch(() => undefined)
      else if (Date.now() > deadline) throw new BridgeError('STATE_LOCKED', `the state file ${file} stays locked by another process`, { kind: 'io', file: lock, details: 'remove the .lock file if no ccp-bridge process is running' })
      else await sleep(5)
    }
  }
  try {
    return await task()
  } finally {
    await unlink(lock).catch(() => undefined)
  }
}

/** True when the lock's process no longer runs (or it holds no pid and is older than LOCK_ORPHAN_MS). */
async function abandoned(lock: string): Promise<boolean> {
  const pid = Number(await readFile(lock, 'utf8').catch(() => ''))
  if (!Number.isInteger(pid) || pid <= 0) return Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now()) > LOCK_ORPHAN_MS
  try {
    process.kill(pid, 0)
    return false
  } catch (cause) {
    return (cause as NodeJS.ErrnoException).code === 'ESRCH'
  }
}
