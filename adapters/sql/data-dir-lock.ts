import { mkdir, open, readFile, unlink } from 'node:fs/promises'
import { resolve } from 'node:path'
import { BridgeError } from '../../src/errors.ts'

/**
 * Takes the embedded database's folder for this process: `<dir>.pid` beside it (PGlite may replace the folder's
 * contents when it starts from a template), created exclusively, holding our pid.
 * PGlite is one process's database; a second process opening the same folder would corrupt it, so it gets a clear
 * error instead. A lock whose process is gone is taken over. Returns the release function.
 * @example const release = await lockDataDir('.ccp-bridge/db'); …; await release()
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true })
  const lock = `${resolve(dir)}.pid`
  const key = resolve(lock)
  if (heldHere.has(key)) throw inUse(dir, process.pid)
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lock, 'wx')
      await handle.writeFile(String(process.pid)).finally(() => handle.close())
      heldHere.add(key)
      return async () => {
        heldHere.delete(key)
        if ((await readFile(lock, 'utf8').catch(() => '')) === String(process.pid)) await unlink(lock).catch(() => undefined)
      }
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new BridgeError('DATABASE_UNAVAILABLE', `cannot open the embedded database in ${dir}`, { kind: 'io', file: dir, cause, details: (cause as Error).message })
      }
      const owner = Number(await readFile(lock, 'utf8').catch(() => ''))
      // our own pid here is a lock left by an earlier process that had it (this one holds none: see heldHere)
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) throw inUse(dir, owner)
      await unlink(lock).catch(() => undefined) // its process is gone
    }
  }
  throw new BridgeError('DATABASE_IN_USE', `cannot take the embedded database in ${dir}`, { kind: 'io', file: dir })
}

/** the lock files this process holds */
const heldHere = new Set<string>()

function inUse(dir: string, owner: number): BridgeError {
  return new BridgeError('DATABASE_IN_USE', `the embedded database in ${dir} is in use by process ${owner}`, {
    kind: 'io',
    file: dir,
    details: 'one process at a time opens an embedded database: stop the other ccp-bridge (a running `serve` or `watch`), or set DATABASE_URL to a PostgreSQL server that several processes can share',
  })
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (cause) {
    return (cause as NodeJS.ErrnoException).code === 'EPERM'
  }
}
