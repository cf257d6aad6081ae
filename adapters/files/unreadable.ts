import { constants } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { BridgeError } from '../../src/errors.ts'
import { formatBytes, type InputLimit } from '../../src/limits.ts'

/**
 * The error for a trail, grant or keys path that cannot be opened: the file is named once (in `file`), the message
 * says why in words (no such file or folder, permission denied), as adapters/cli/input.ts does for whole files.
 * @example throw unreadableError('trail.pb', cause) // "trail.pb: cannot read the file: no such file or folder"
 */
export function unreadableError(file: string, cause: unknown): BridgeError {
  const { why, kind } = failureInWords(cause, { ENOENT: 'no such file or folder', EISDIR: 'is a folder, expected a file' })
  return new BridgeError('INPUT_UNREADABLE', `cannot read the file: ${why}`, { file, cause, kind })
}

const ERRNO_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EIO: 'input/output error',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  EDQUOT: 'the disk quota is exceeded',
}

/**
 * Why a file operation failed, in words (never the raw errno text), and whether it is the input's fault (`input`: a
 * missing file or folder, a folder for a file) or the system's (`io`). `words` overrides per code (reading and writing
 * say ENOENT differently).
 * @example failureInWords(cause, { ENOENT: 'no such file or folder' }) // { why: 'no such file or folder', kind: 'input' }
 */
export function failureInWords(cause: unknown, words: Record<string, string> = {}): { why: string; kind: 'input' | 'io' } {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? ''
  const why = words[code] ?? ERRNO_WORDS[code] ?? (cause as Error)?.message ?? String(cause)
  return { why, kind: code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR' ? 'input' : 'io' }
}

/**
 * The error for a path that is not a regular file where one is expected: a folder, a device such as /dev/zero, a
 * FIFO or a socket (reading one could block or never end).
 * @example throw notAFileError('/dev/zero', stats) // "/dev/zero: not a regular file: a character device"
 */
export function notAFileError(file: string, stats: { isDirectory(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isFIFO(): boolean; isSocket(): boolean }): BridgeError {
  const kind = stats.isDirectory()
    ? 'a folder'
    : stats.isCharacterDevice()
      ? 'a character device (such as /dev/zero)'
      : stats.isBlockDevice()
        ? 'a block device'
        : stats.isFIFO()
          ? 'a FIFO (named pipe)'
          : stats.isSocket()
            ? 'a socket'
            : 'not a regular file'
  return new BridgeError('INPUT_NOT_A_FILE', `expected a regular file, got ${kind}`, { file })
}

/**
 * The error for an input larger than its limit (src/limits.ts), naming the file or URL and the limit.
 * @example throw tooLargeError('cert.json', LIMITS.certificate) // "cert.json: larger than 4 MiB, the limit for a certificate"
 */
export function tooLargeError(source: string, limit: InputLimit, options: { line?: number } = {}): BridgeError {
  return new BridgeError('INPUT_TOO_LARGE', `${options.line !== undefined ? `line ${options.line} is ` : ''}larger than ${formatBytes(limit.bytes)}, the limit for ${limit.what}`, {
    file: source,
    ...(options.line !== undefined ? { line: options.line } : {}),
  })
}

/**
 * Opens a regular file for reading; anything else (a folder, a device, a FIFO, a socket) is refused before a byte is
 * read (the open does not block on a FIFO), and a failure is `unreadableError` naming the file.
 * @example const handle = await openForReading('trail.pb')
 */
export async function openForReading(file: string): Promise<FileHandle> {
  let handle: FileHandle
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (cause) {
    throw unreadableError(file, cause)
  }
  try {
    const stats = await handle.stat()
    if (!stats.isFile()) throw notAFileError(file, stats)
    return handle
  } catch (error) {
    await handle.close().catch(() => undefined)
    throw error instanceof BridgeError ? error : unreadableError(file, error)
  }
}
