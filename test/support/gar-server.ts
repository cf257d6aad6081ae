import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export type GarServer = {
  url: string
  /** replaces the agreements served for one agent service key (hex, with or without 0x) */
  setAgreements(agentKey: string, envelopes: unknown[]): void
  /** the number of agreement requests answered so far */
  requests(): number
  close(): Promise<void>
}

/**
 * A loopback GAR: `GET /api/v1/agreements?agent_service_pub_key=<hex>` answers `{ "agreements": [...] }`
 * from an in-memory table the test changes (a revocation is a new signed envelope with `revoked: true`).
 * @example const gar = await startGarServer(); gar.setAgreements(agentHex, [envelope]); await gar.close()
 */
export async function startGarServer(options: { failWith?: number } = {}): Promise<GarServer> {
  const table = new Map<string, unknown[]>()
  let count = 0
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    if (request.method !== 'GET' || url.pathname !== '/api/v1/agreements') {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}')
      return
    }
    count++
    if (options.failWith) {
      response.writeHead(options.failWith, { 'content-type': 'application/json' }).end('{"error":"unavailable"}')
      return
    }
    const key = normalise(url.searchParams.get('agent_service_pub_key') ?? '')
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ agreements: table.get(key) ?? [] }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    setAgreements: (agentKey, envelopes) => table.set(normalise(agentKey), envelopes),
    requests: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

function normalise(key: string): string {
  return key.replace(/^ed25519:/, '').replace(/^0x/, '').toLowerCase()
}
