import { open, type FileHandle } from 'node:fs/promises'
import { BridgeError } from '../../src/errors.ts'

/**
 * The error for a trail, grant or keys path that cannot be opened: the file is named once (in `file`), the message
 * says why in words (no such file or folder, permission denied), as adapters/cli/input.ts does for whole files.
 * @example throw unreadableError('trail.pb', cause) // "trail.pb: cannot read the file: no such file or folder"
 */
export function unreadableError(file: string, cause: unknown): BridgeError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code
  const why = code === 'ENOENT' ? 'no such file or folder' : code === 'EISDIR' ? 'is a folder, expected a file' : code === 'EACCES' ? 'permission denied' : (cause as Error)?.message
  return new BridgeError('INPUT_UNREADABLE', `cannot read the file: ${why}`, { file, cause })
}

/**
 * Opens a file for reading; a failure is `unreadableError` naming it.
 * @example const handle = await openForReading('trail.pb')
 */
export async function openForReading(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r')
  } catch (cause) {
    throw unreadableError(file, cause)
  }
}
