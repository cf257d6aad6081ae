import { lstat, mkdir, open, realpath, rename, stat, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { BridgeError } from '../../src/errors.ts'

let counter = 0

/**
 * Writes a file atomically: a temp file beside it, fsync, rename over the target, fsync the folder. A crash at any
 * point leaves either the old file or the new one, never a torn one. A symbolic link is written through: its target is
 * replaced atomically (temp file beside the target) and the link stays a link; a link to a missing file is refused.
 * An existing file keeps its permission bits. `createFolder` (default true) makes missing parent folders.
 * @example await writeFileAtomic('store/state.json', utf8.encode(text))
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array | string, options: { createFolder?: boolean } = {}): Promise<void> {
  const target = await resolveTarget(file)
  const folder = dirname(target)
  if (options.createFolder !== false) await mkdir(folder, { recursive: true })
  const mode = await stat(target).then((s) => s.mode & 0o7777, () => undefined)
  const temp = join(folder, `.${basename(target)}.${process.pid}.${++counter}.tmp`)
  const handle = await open(temp, 'wx', mode ?? 0o644)
  try {
    await handle.writeFile(bytes)
    if (mode !== undefined) await handle.chmod(mode)
    await handle.sync()
  } catch (error) {
    await handle.close().catch(() => undefined)
    await unlink(temp).catch(() => undefined)
    throw error
  }
  await handle.close()
  try {
    await rename(temp, target)
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw error
  }
  await syncFolder(folder)
}

/** The file a write lands in: the path itself, or the final target of a symbolic link (which must exist). */
async function resolveTarget(file: string): Promise<string> {
  const info = await lstat(file).catch((cause: NodeJS.ErrnoException) => {
    if (cause.code === 'ENOENT') return undefined
    throw cause
  })
  if (!info?.isSymbolicLink()) return file
  try {
    return await realpath(file)
  } catch (cause) {
    throw new BridgeError('OUTPUT_DANGLING_LINK', 'cannot write the file: it is a symbolic link to a file that does not exist', { file, cause })
  }
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
