import type { Server } from 'node:http'
import type { Duplex } from 'node:stream'

/** Node's parser errors and the status each answers with: a header too large is 431, anything else malformed is 400. */
const STATUS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'the request headers are too large'],
  HPE_URI_OVERFLOW: [414, 'URI Too Long', 'the request line is too long'],
}

/**
 * Answers requests that Node's HTTP parser refuses before any route sees them (malformed request lines or headers,
 * headers over the size limit) with the API's `{ "error": {...} }` document instead of Node's bare status line.
 * @example answerClientErrors(server) // a request line `GET /\x01 HTTP/1.1` → 400 {"error":{"code":"HTTP_MALFORMED",…}}
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // a peer that hung up or timed out gets no answer; nothing else is written on a socket that already answered
    if (error.code === 'ECONNRESET' || !socket.writable || (socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
      socket.destroy()
      return
    }
    const [status, reason, message] = STATUS[error.code ?? ''] ?? [400, 'Bad Request', 'the request is not valid HTTP/1.1']
    const code = status === 400 ? 'HTTP_MALFORMED' : status === 431 ? 'HEADERS_TOO_LARGE' : 'URI_TOO_LONG'
    const body = JSON.stringify({ error: { code, message } })
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  })
}
