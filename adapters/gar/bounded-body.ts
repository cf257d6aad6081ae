import { BridgeError } from '../../src/errors.ts'
import { formatBytes, type InputLimit } from '../../src/limits.ts'

/**
 * Reads an HTTP response body as a stream and stops at `limit.bytes`: a larger body (a server streaming whitespace
 * forever, say) is cancelled and refused (HTTP_BODY_TOO_LARGE naming the URL and the limit) without holding more than
 * the limit in memory. A declared `content-length` over the limit is refused before a byte is read. The bytes are
 * returned as they arrived (callers decode them strictly).
 * @example const bytes = await readBodyBounded(response, url, LIMITS.garAnswer)
 */
export async function readBodyBounded(response: Response, url: string, limit: InputLimit): Promise<Uint8Array> {
  const tooLarge = () =>
    new BridgeError('HTTP_BODY_TOO_LARGE', `the answer is larger than ${formatBytes(limit.bytes)}, the limit for ${limit.what}`, { kind: 'io', file: url })
  const declared = Number(response.headers.get('content-length') ?? Number.NaN)
  if (Number.isFinite(declared) && declared > limit.bytes) {
    await response.body?.cancel().catch(() => undefined)
    throw tooLarge()
  }
  if (!response.body) return new Uint8Array(0)
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > limit.bytes) {
        await reader.cancel().catch(() => undefined)
        throw tooLarge()
      }
      chunks.push(value)
    }
  } catch (cause) {
    if (cause instanceof BridgeError) throw cause
    throw new BridgeError('HTTP_BODY_UNREADABLE', 'the answer broke off while it was read', { kind: 'io', file: url, cause, details: (cause as Error).message })
  } finally {
    reader.releaseLock()
  }
  const body = new Uint8Array(total)
  let at = 0
  for (const chunk of chunks) {
    body.set(chunk, at)
    at += chunk.byteLength
  }
  return body
}
