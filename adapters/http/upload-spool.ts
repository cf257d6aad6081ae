import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { formatBytes } from '../../src/limits.ts'
import { HttpProblem } from './problem.ts'

/**
 * Streams a request body to a file as it arrives (never whole in memory), hashing it on the way: more than `limit`
 * bytes is 413 UPLOAD_TOO_LARGE (reading stops at once), a body that breaks off, or ends before its declared
 * Content-Length, is 400 UPLOAD_TRUNCATED.
 * @example const { bytes, sha256 } = await spoolUpload(c.req.raw.body, '/tmp/up/upload.pb', 256 * MiB, declared)
 */
export async function spoolUpload(body: ReadableStream<Uint8Array>, file: string, limit: number, declared?: number): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256')
  const handle = await open(file, 'wx', 0o600)
  const reader = body.getReader()
  let bytes = 0
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>
      try {
        chunk = await reader.read()
      } catch (cause) {
        throw new HttpProblem(400, 'UPLOAD_TRUNCATED', `the upload broke off after ${bytes} bytes`, { cause })
      }
      if (chunk.done) break
      bytes += chunk.value.byteLength
      if (bytes > limit) {
        await reader.cancel().catch(() => undefined)
        throw new HttpProblem(413, 'UPLOAD_TOO_LARGE', `the upload is larger than ${formatBytes(limit)}, the limit of this server`, { details: 'send a smaller trail, or split it' })
      }
      hash.update(chunk.value)
      await handle.write(chunk.value)
    }
  } finally {
    reader.releaseLock()
    await handle.close()
  }
  if (declared !== undefined && bytes < declared) throw new HttpProblem(400, 'UPLOAD_TRUNCATED', `the upload ended after ${bytes} of the ${declared} bytes its Content-Length declares`)
  return { bytes, sha256: hash.digest('hex') }
}
