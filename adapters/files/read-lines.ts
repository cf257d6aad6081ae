import { BridgeError } from '../../src/errors.ts'
import type { InputLimit } from '../../src/limits.ts'
import { openForReading, tooLargeError, unreadableError } from './unreadable.ts'

const CHUNK = 1 << 20
const NEWLINE = 10
const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Streams the lines of a regular file (JSON Lines) in 1 MiB reads, in flat memory whatever the file's size: each line is
 * bounded by `limit` (a longer one is INPUT_TOO_LARGE naming the file and line), `\r\n` endings lose their `\r`, a line
 * that is not UTF-8 is INPUT_NOT_UTF8 naming the line. Line numbers are 1-based. `range`: only the bytes from `start`
 * (the first byte of line `line`) to `end` (a queue batch of a trail file).
 * @example for await (const { text, line } of readLines('trail.jsonl', LIMITS.trailLine)) …
 */
export async function* readLines(file: string, limit: InputLimit, range?: { start: number; end: number; line: number }): AsyncGenerator<{ text: string; line: number }> {
  const handle = await openForReading(file)
  try {
    const chunk = Buffer.allocUnsafe(CHUNK)
    let pending: Buffer[] = []
    let pendingBytes = 0
    let line = range ? range.line - 1 : 0
    let position = range?.start ?? 0
    for (;;) {
      let bytesRead: number
      try {
        ;({ bytesRead } = await handle.read(chunk, 0, range ? Math.min(CHUNK, range.end - position) : CHUNK, position))
      } catch (cause) {
        throw unreadableError(file, cause)
      }
      if (bytesRead === 0) break
      position += bytesRead
      let start = 0
      for (;;) {
        const at = chunk.indexOf(NEWLINE, start)
        if (at < 0 || at >= bytesRead) break
        line++
        if (pendingBytes + (at - start) > limit.bytes) throw tooLargeError(file, limit, { line })
        const bytes = pending.length === 0 ? chunk.subarray(start, at) : Buffer.concat([...pending, chunk.subarray(start, at)])
        pending = []
        pendingBytes = 0
        yield { text: decodeLine(bytes, file, line), line }
        start = at + 1
      }
      if (start < bytesRead) {
        pendingBytes += bytesRead - start
        if (pendingBytes > limit.bytes) throw tooLargeError(file, limit, { line: line + 1 })
        pending.push(Buffer.from(chunk.subarray(start, bytesRead)))
      }
    }
    if (pendingBytes > 0) {
      line++
      yield { text: decodeLine(Buffer.concat(pending), file, line), line }
    }
  } finally {
    await handle.close().catch(() => undefined)
  }
}

function decodeLine(bytes: Uint8Array, file: string, line: number): string {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length
  try {
    return decoder.decode(bytes.subarray(0, end))
  } catch (cause) {
    throw new BridgeError('INPUT_NOT_UTF8', `line ${line} is not UTF-8 text`, { file, line, cause })
  }
}
