import type { InputLimit } from '../../src/limits.ts'
import { openForReading, tooLargeError, unreadableError } from './unreadable.ts'

/**
 * Reads a whole regular file, never more than `limit.bytes`: a larger file (or one that grows while read, or a /proc
 * file whose size is unknown) is INPUT_TOO_LARGE naming it and the limit; a folder, device or FIFO is INPUT_NOT_A_FILE.
 * @example const bytes = await readFileBounded('cert.json', LIMITS.certificate)
 */
export async function readFileBounded(file: string, limit: InputLimit): Promise<Uint8Array> {
  const handle = await openForReading(file)
  try {
    const { size } = await handle.stat()
    if (size > limit.bytes) throw tooLargeError(file, limit)
    // one byte more than the limit tells a file that grew (or reports size 0) from one that fits
    let buffer = new Uint8Array(Math.min(Math.max(size, 4096), limit.bytes) + 1)
    let filled = 0
    for (;;) {
      if (filled === buffer.length) {
        if (filled > limit.bytes) throw tooLargeError(file, limit)
        const next = new Uint8Array(Math.min(buffer.length * 2, limit.bytes + 1))
        next.set(buffer)
        buffer = next
      }
      let bytesRead: number
      try {
        ;({ bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null))
      } catch (cause) {
        throw unreadableError(file, cause)
      }
      if (bytesRead === 0) break
      filled += bytesRead
    }
    if (filled > limit.bytes) throw tooLargeError(file, limit)
    return buffer.subarray(0, filled)
  } finally {
    await handle.close().catch(() => undefined)
  }
}
