import { readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey, revokeApiKey } from '../../../adapters/sql/api-keys.ts'
import { apiErrorSchema } from '../../../src/schema/api-error.ts'
import { trailResultSchema } from '../../../src/schema/api-trail.ts'
import { postgresAvailable, postgresSkipReason } from '../../support/postgres.ts'
import { projectDir } from '../../support/cli.ts'
import { startTestService, type Engine, type TestService } from './service-harness.ts'

const pg = await postgresAvailable()
const AGENT = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
const CLUSTER = '0x0d141c9f0eb6c16c7362ed52ade970085cb6690e'
const fixture = (path: string) => readFileSync(`${projectDir}fixtures/${path}`)

/**
 * Every kind of bad request gets a 4xx answer in the CLI's `{ "error": {...} }` shape (the code and where the problem
 * is), never a 500 and never a stack trace in the log; and a trail upload with a good key gets its stored report.
 */
describe.each<[Engine, boolean]>([
  ['pglite', true],
  ['postgres', pg],
])('serve on %s: bad requests and trail uploads', (engine, available) => {
  if (!available) {
    it.skip(`${postgresSkipReason}`, () => undefined)
    return
  }
  let t: TestService
  let token: string
  let readOnly: string
  let revoked: string
  const statuses: number[] = []

  /** A request whose answer must be an error document: returns the status, the error and the headers. */
  async function problem(path: string, init: RequestInit = {}) {
    const response = await fetch(`${t.url}${path}`, init)
    statuses.push(response.status)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    const body = apiErrorSchema.parse(await response.json())
    return { status: response.status, error: body.error, headers: response.headers }
  }
  const upload = (body: Uint8Array | string, headers: Record<string, string>, query = '') => fetch(`${t.url}/v1/trails/verify${query}`, { method: 'POST', body, headers })

  beforeAll(async () => {
    t = await startTestService(engine, { limits: { uploadBytes: 4096, concurrentUploads: 2 } })
    token = (await createApiKey(t.db, { name: 'auditor', scopes: ['trails:verify', 'trails:read'] })).token
    readOnly = (await createApiKey(t.db, { name: 'reader', scopes: ['trails:read'] })).token
    const gone = await createApiKey(t.db, { name: 'gone', scopes: ['trails:verify'] })
    await revokeApiKey(t.db, gone.key.id)
    revoked = gone.token
  }, 120_000)

  afterAll(async () => {
    await t?.stop()
  })

  it('refuses malformed addresses, hashes, cluster ids, eras and queries with 400 naming the part', async () => {
    expect(await problem('/v1/agents/0x12/decision')).toMatchObject({ status: 400, error: { code: 'ADDRESS_INVALID', path: '$.params.address' } })
    const checksum = await problem(`/v1/agents/${AGENT.replace('C44', 'c44')}/decision`)
    expect(checksum).toMatchObject({ status: 400, error: { code: 'ADDRESS_INVALID', message: expect.stringContaining('EIP-55') } })
    expect(await problem(`/v1/agents/${AGENT}/decision?minClass=C9`)).toMatchObject({ status: 400, error: { code: 'REQUEST_INVALID', path: '$.query.minClass' } })
    expect(await problem(`/v1/agents/${AGENT}/decision?maxLoss=-5`)).toMatchObject({ status: 400, error: { code: 'REQUEST_INVALID', path: '$.query.maxLoss' } })
    expect(await problem(`/v1/agents/${AGENT}/decision?max=1`)).toMatchObject({ status: 400, error: { code: 'UNKNOWN_PARAMETER', path: '$.query' } })
    expect(await problem('/v1/certificates/0x1234')).toMatchObject({ status: 400, error: { code: 'CERT_HASH_INVALID', path: '$.params.certHash' } })
    expect(await problem(`/v1/certificates/0x${'g'.repeat(64)}/document`)).toMatchObject({ status: 400, error: { code: 'CERT_HASH_INVALID' } })
    expect(await problem('/v1/eras/0xzz/1')).toMatchObject({ status: 400, error: { code: 'CLUSTER_INVALID', path: '$.params.cluster' } })
    expect(await problem(`/v1/eras/${CLUSTER}/forty`)).toMatchObject({ status: 400, error: { code: 'ERA_INVALID', path: '$.params.era' } })
    expect(await problem(`/v1/eras/${CLUSTER}/4294967296`)).toMatchObject({ status: 400, error: { code: 'ERA_INVALID' } })
    expect(await problem(`/v1/eras/${CLUSTER}/412?format=pdf`)).toMatchObject({ status: 400, error: { path: '$.query.format' } })
    expect(await problem('/v1/eras?limit=0')).toMatchObject({ status: 400, error: { path: '$.query.limit' } })
    expect(await problem('/v1/events', { headers: { 'Last-Event-ID': 'yesterday' } })).toMatchObject({ status: 400, error: { code: 'LAST_EVENT_ID_INVALID', path: '$.headers.last-event-id' } })
    expect(await problem('/v1/events?kinds=everything')).toMatchObject({ status: 400, error: { path: '$.query.kinds' } })
    expect(await problem('/v1/agents?operator=nobody')).toMatchObject({ status: 400, error: { code: 'REQUEST_INVALID', path: '$.query.operator' } })
  })

  it("answers what Node's HTTP parser refuses (a malformed request, headers over the limit) with the same JSON error", async () => {
    const raw = async (request: string) => {
      const { port } = new URL(t.url)
      const socket = connect(Number(port), '127.0.0.1')
      socket.end(request)
      let answer = ''
      for await (const chunk of socket) answer += chunk
      const [head, body] = answer.split('\r\n\r\n')
      return { statusLine: head!.split('\r\n')[0], body: apiErrorSchema.parse(JSON.parse(body!)).error }
    }
    expect(await raw('GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n')).toEqual({
      statusLine: 'HTTP/1.1 400 Bad Request',
      body: { code: 'HTTP_MALFORMED', message: 'the request is not valid HTTP/1.1' },
    })
    expect(await raw(`GET /health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'a'.repeat(100_000)}\r\n\r\n`)).toEqual({
      statusLine: 'HTTP/1.1 431 Request Header Fields Too Large',
      body: { code: 'HEADERS_TOO_LARGE', message: 'the request headers are too large' },
    })
    // and it keeps serving
    expect((await fetch(`${t.url}/health`)).status).toBe(200)
  })

  it('answers 404 for unknown routes and unknown records, 405 with Allow for a wrong method', async () => {
    expect(await problem('/nope')).toMatchObject({ status: 404, error: { code: 'NOT_FOUND', message: 'no route GET /nope' } })
    expect(await problem('/v1/agents/x/y/z')).toMatchObject({ status: 404, error: { code: 'NOT_FOUND' } })
    expect(await problem(`/v1/eras/${CLUSTER}/412`)).toMatchObject({ status: 404, error: { code: 'ERA_NOT_FOUND' } })
    const post = await problem('/health', { method: 'POST' })
    expect(post).toMatchObject({ status: 405, error: { code: 'METHOD_NOT_ALLOWED' } })
    expect(post.headers.get('allow')).toBe('GET, HEAD')
    const put = await problem('/v1/trails/verify', { method: 'PUT', body: 'x' })
    expect(put).toMatchObject({ status: 405 })
    expect(put.headers.get('allow')?.split(', ')).toContain('POST')
    expect(await problem(`/v1/agents/${AGENT}/decision`, { method: 'DELETE' })).toMatchObject({ status: 405 })
  })

  it('answers 503 with a code when the server follows no registry', async () => {
    expect(await problem(`/v1/agents/${AGENT}/decision`)).toMatchObject({ status: 503, error: { code: 'REGISTRY_NOT_CONFIGURED' } })
    expect(await problem(`/v1/certificates/0x${'ab'.repeat(32)}`)).toMatchObject({ status: 503, error: { code: 'REGISTRY_NOT_CONFIGURED' } })
  })

  it('refuses an upload without a key, with a wrong, malformed or revoked key, or without the scope', async () => {
    const body = fixture('evidence/trail.jsonl')
    const none = await problem('/v1/trails/verify', { method: 'POST', body, headers: { 'content-type': 'application/jsonl' } })
    expect(none).toMatchObject({ status: 401, error: { code: 'UNAUTHORIZED', path: '$.headers.authorization' } })
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="ccp-bridge"')
    expect(await problem('/v1/trails/verify', { method: 'POST', body, headers: { 'content-type': 'application/jsonl', authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } })).toMatchObject({ status: 401, error: { code: 'UNAUTHORIZED' } })
    expect(await problem('/v1/trails/verify', { method: 'POST', body, headers: { 'content-type': 'application/jsonl', authorization: 'Bearer not-a-key' } })).toMatchObject({ status: 401, error: { code: 'KEY_INVALID' } })
    const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    const wrong = await problem('/v1/trails/verify', { method: 'POST', body, headers: { 'content-type': 'application/jsonl', authorization: `Bearer ${forged}` } })
    expect(wrong).toMatchObject({ status: 401, error: { code: 'KEY_INVALID' } })
    expect(wrong.headers.get('www-authenticate')).toContain('invalid_token')
    expect(await problem('/v1/trails/verify', { method: 'POST', body, headers: { 'content-type': 'application/jsonl', authorization: `Bearer ${revoked}` } })).toMatchObject({ status: 401, error: { code: 'KEY_REVOKED' } })
    const scope = await problem('/v1/trails/verify', { method: 'POST', body, headers: { 'content-type': 'application/jsonl', authorization: `Bearer ${readOnly}` } })
    expect(scope).toMatchObject({ status: 403, error: { code: 'INSUFFICIENT_SCOPE' } })
    expect(await problem(`/v1/trails/${crypto.randomUUID()}`)).toMatchObject({ status: 401 })
    // no key, secret or token reaches the log
    expect(JSON.stringify(t.logs)).not.toContain(token.slice(22))
    expect(JSON.stringify(t.logs)).not.toContain('ccpb_')
  })

  it('refuses a wrong content type, an empty, oversized or truncated upload', async () => {
    const auth = { authorization: `Bearer ${token}` }
    expect(await problem('/v1/trails/verify', { method: 'POST', body: 'x', headers: { ...auth, 'content-type': 'text/plain' } })).toMatchObject({ status: 415, error: { code: 'UNSUPPORTED_MEDIA_TYPE', path: '$.headers.content-type' } })
    expect(await problem('/v1/trails/verify', { method: 'POST', body: '', headers: { ...auth, 'content-type': 'application/jsonl' } })).toMatchObject({ status: 400, error: { code: 'UPLOAD_EMPTY' } })
    expect((await fetch(`${t.url}/v1/events`, { method: 'HEAD' })).headers.get('content-type')).toMatch(/^text\/event-stream/)
    // streamed (chunked, no length): refused as soon as it passes the limit
    const big = new ReadableStream({
      start(controller) {
        controller.enqueue(new Uint8Array(3000).fill(0x0a))
        controller.enqueue(new Uint8Array(3000).fill(0x0a))
        controller.close()
      },
    })
    const streamed = await problem('/v1/trails/verify', { method: 'POST', body: big, headers: { ...auth, 'content-type': 'application/jsonl' }, duplex: 'half' } as RequestInit)
    expect(streamed).toMatchObject({ status: 413, error: { code: 'UPLOAD_TOO_LARGE' } })
    // a declared length over the limit is refused before a byte is read
    const declared = await rawRequest(t.url, { method: 'POST', path: '/v1/trails/verify', headers: { ...auth, 'content-type': 'application/x-protobuf', 'content-length': '100000000' } })
    expect(declared.status).toBe(413)
    expect(apiErrorSchema.parse(JSON.parse(declared.body)).error.code).toBe('UPLOAD_TOO_LARGE')
    // a protobuf cut in the middle of a field: the byte offset, and the upload named `upload` (never a server path)
    const truncated = await problem('/v1/trails/verify', { method: 'POST', body: fixture('evidence/cases/truncated.pb'), headers: { ...auth, 'content-type': 'application/x-protobuf' } })
    expect(truncated).toMatchObject({ status: 400, error: { code: 'PROTOBUF_MALFORMED', file: 'upload', offset: 1589 } })
    expect(truncated.error.message).toContain('truncated')
    const notJson = await problem('/v1/trails/verify', { method: 'POST', body: fixture('evidence/cases/trail-not-json.jsonl'), headers: { ...auth, 'content-type': 'application/x-ndjson' } })
    expect(notJson).toMatchObject({ status: 400, error: { code: 'INPUT_NOT_JSON', file: 'upload', line: 2 } })
    expect(JSON.stringify(notJson.error)).not.toMatch(/\/tmp|upload-/)
    // a transfer that breaks off before its declared length: the server answers what it can and keeps serving
    const cut = await rawRequest(t.url, { method: 'POST', path: '/v1/trails/verify', headers: { ...auth, 'content-type': 'application/jsonl', 'content-length': '3000' }, body: fixture('evidence/trail.jsonl').subarray(0, 1000), abort: true })
    expect(cut.status === 400 || cut.status === 0).toBe(true)
    expect((await fetch(`${t.url}/health`)).status).toBe(200)
  })

  it('verifies an SCP JSON Lines trail and a DDC protobuf, stores the reports, and reads them back with the key', async () => {
    const auth = { authorization: `Bearer ${token}` }
    const jsonl = await upload(fixture('evidence/trail.jsonl').subarray(0, 4096 - 1), { ...auth, 'content-type': 'application/jsonl' })
    // cut at the limit: the last line is incomplete JSON
    expect(jsonl.status).toBe(400)
    const pb = await upload(fixture('evidence/ddc/challenge-response.pb'), { ...auth, 'content-type': 'application/x-protobuf' })
    expect(pb.status).toBe(201)
    const result = trailResultSchema.parse(await pb.json())
    expect(pb.headers.get('location')).toBe(`/v1/trails/${result.id}`)
    expect(result).toMatchObject({ format: 'ddc-protobuf', bytes: fixture('evidence/ddc/challenge-response.pb').length })
    expect(result.report).toMatchObject({ ok: true, records: 3, valid: 3 })
    expect(result.report.signatures).toBe(result.report.validSignatures)
    const read = await fetch(`${t.url}${pb.headers.get('location')}`, { headers: { authorization: `Bearer ${readOnly}` } })
    expect(read.status).toBe(200)
    expect(trailResultSchema.parse(await read.json())).toEqual(result)
    expect(await problem(`/v1/trails/${crypto.randomUUID()}`, { headers: auth })).toMatchObject({ status: 404, error: { code: 'TRAIL_REPORT_NOT_FOUND' } })
    expect(await problem('/v1/trails/42', { headers: auth })).toMatchObject({ status: 400, error: { code: 'ID_INVALID' } })
  })

  it('never answered 500 and never logged a stack trace', () => {
    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([])
    expect(t.logs.filter((l) => /\n\s+at |Error: .*\n/.test(`${l.message} ${JSON.stringify(l.fields)}`))).toEqual([])
  })
})

describe('an internal failure', () => {
  it('answers 500 INTERNAL with a fixed message, logs its code without a stack, and keeps serving', async () => {
    const t = await startTestService('pglite')
    try {
      await t.db.close() // the database goes away under the server
      const r = await fetch(`${t.url}/v1/eras`)
      expect(r.status).toBe(500)
      const body = apiErrorSchema.parse(await r.json())
      expect(body.error).toEqual({ code: 'INTERNAL', message: 'internal error: the server could not answer this request (logged)' })
      const logged = t.logs.filter((l) => l.level === 'error' && l.scope === 'http')
      expect(logged).toHaveLength(1)
      expect(logged[0]).toMatchObject({ message: 'GET /v1/eras answered 500', fields: { code: 'INTERNAL' } })
      expect(JSON.stringify(t.logs)).not.toMatch(/\\n\s+at /)
      expect((await fetch(`${t.url}/openapi.json`)).status).toBe(200)
    } finally {
      await t.stop()
    }
  })
})

describe('serve options: CORS off by default, rate limit when asked', () => {
  it('sends no CORS header unless an origin is allowed, and limits a client to N requests a minute', async () => {
    const plain = await startTestService('pglite')
    try {
      const r = await fetch(`${plain.url}/health`, { headers: { Origin: 'https://evil.example' } })
      expect(r.headers.get('access-control-allow-origin')).toBeNull()
    } finally {
      await plain.stop()
    }
    const t = await startTestService('pglite', { corsOrigins: ['https://app.example'], limits: { rateLimitPerMinute: 3 } })
    try {
      const allowed = await fetch(`${t.url}/v1/eras`, { headers: { Origin: 'https://app.example' } })
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example')
      expect((await fetch(`${t.url}/v1/eras`, { headers: { Origin: 'https://evil.example' } })).headers.get('access-control-allow-origin')).toBeNull()
      const third = await fetch(`${t.url}/v1/eras`)
      expect(third.status).toBe(200)
      expect((await fetch(`${t.url}/health`)).status).toBe(200) // monitoring is never limited
      const limited = await fetch(`${t.url}/v1/eras`)
      expect(limited.status).toBe(429)
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(apiErrorSchema.parse(await limited.json()).error.code).toBe('RATE_LIMITED')
    } finally {
      await t.stop()
    }
  })
})

/**
 * A request over node:http (to send a Content-Length the body does not match, or to cut the body off): the status
 * and body of the answer, or status 0 when the server closed the connection without one.
 */
function rawRequest(base: string, options: { method: string; path: string; headers: Record<string, string>; body?: Uint8Array; abort?: boolean }): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const url = new URL(options.path, base)
    const req = httpRequest({ host: url.hostname, port: url.port, method: options.method, path: url.pathname, headers: options.headers }, (res) => {
      let body = ''
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', () => resolve({ status: 0, body: '' }))
    if (options.body) req.write(options.body)
    if (options.abort) setTimeout(() => req.destroy(), 200)
    else if (!options.body) req.flushHeaders()
  })
}
