import { open, rename, mkdir, unlink } from 'node:fs/promises'
import { dirname, basename, join } from 'node:path'

let counter = 0

/**
 * Writes a file atomically: a temp file beside it, fsync, rename over the target, fsync the folder.
 * A crash at any point leaves either the old file or the new one, never a torn one.
 * @example await writeFileAtomic('store/state.json', utf8.encode(text))
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const folder = dirname(file)
  await mkdir(folder, { recursive: true })
  const temp = join(folder, `.${basename(file)}.${process.pid}.${++counter}.tmp`)
  const handle = await open(temp, 'w', 0o644)
  try {
    await handle.writeFile(bytes)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await rename(temp, file)
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw error
  }
  await syncFolder(folder)
}

/** fsync a folder so a rename in it is durable (ignored where the platform refuses). */
async function syncFolder(folder: string): Promise<void> {
  let handle
  try {
    handle = await open(folder, 'r')
    await handle.sync()
  } catch {
    // some file systems do not allow fsync on a directory; the rename is still atomic
  } finally {
    await handle?.close()
  }
}
