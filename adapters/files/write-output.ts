import { stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { BridgeError } from '../../src/errors.ts'
import { writeFileAtomic } from '../store/atomic-file.ts'
import { failureInWords } from './unreadable.ts'

/**
 * Writes an output file a user named (`--out`, `--html`, `--params-out`, `cert derive --write`) atomically (temp file,
 * fsync, rename; through a symbolic link to its target). A missing folder is not created: it is an error naming it, as
 * is a path that is a folder; other failures say why in words (permission denied, disk full), never the raw errno text.
 * @example await writeOutputFile('cert.json', `${JSON.stringify(cert, null, 2)}\n`)
 */
export async function writeOutputFile(file: string, data: Uint8Array | string): Promise<void> {
  const existing = await stat(file).catch(() => undefined)
  if (existing?.isDirectory()) throw new BridgeError('OUTPUT_IS_FOLDER', 'cannot write the file: it is a folder, expected a file name', { file })
  if (existing && !existing.isFile()) throw new BridgeError('OUTPUT_NOT_A_FILE', 'cannot write the file: it exists and is not a regular file (a device, FIFO or socket)', { file })
  const folder = dirname(file)
  const parent = await stat(folder).catch(() => undefined)
  if (!parent) throw new BridgeError('OUTPUT_FOLDER_MISSING', `cannot write the file: the folder ${folder} does not exist`, { file })
  if (!parent.isDirectory()) throw new BridgeError('OUTPUT_FOLDER_MISSING', `cannot write the file: ${folder} is not a folder`, { file })
  try {
    await writeFileAtomic(file, data, { createFolder: false })
  } catch (cause) {
    if (cause instanceof BridgeError) throw cause
    throw unwritableError(file, cause)
  }
}

/**
 * The error for a file that cannot be written, in words.
 * @example throw unwritableError('out/cert.json', cause) // "out/cert.json: cannot write the file: permission denied"
 */
export function unwritableError(file: string, cause: unknown): BridgeError {
  const { why, kind } = failureInWords(cause, { EISDIR: 'it is a folder, expected a file name', ENOENT: 'its folder does not exist', ENOTDIR: 'its folder does not exist' })
  return new BridgeError('OUTPUT_UNWRITABLE', `cannot write the file: ${why}`, { file, cause, kind })
}
