import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { certificateLifecycle } from '../../../src/bridge/lifecycle.ts'
import { BridgeError, errorMessage } from '../../../src/errors.ts'
import { parseJsonBytes } from '../../../src/json/parse-json.ts'
import type { Hex, RegistryRecord } from '../../../src/ports.ts'
import { certificateViewSchema } from '../../../src/schema/api-certificate.ts'
import { certificateSchema, type Certificate } from '../../../src/schema/certificate.ts'
import { zodIssues } from '../../../src/schema/zod-issues.ts'
import { subjectEvents } from '../../sql/subject-events.ts'
import { errorResponse, isoTime, jsonResponse, type ApiApp } from '../api-app.ts'
import type { ServiceContext } from '../context.ts'
import { lifecycleView } from '../lifecycle-view.ts'
import { certHashParam } from '../params.ts'
import { HttpProblem } from '../problem.ts'
import { registryRecordJson } from '../registry-json.ts'
import { storedDocument } from '../stored-document.ts'
import { requireChain } from './registry-required.ts'

const params = z.object({ certHash: certHashParam })

const viewRoute = createRoute({
  method: 'get',
  path: '/v1/certificates/{certHash}',
  tags: ['certificates'],
  summary: 'A certificate: its document, its registry record and its lifecycle',
  description:
    'The stored document (re-hashed against the URI the registry anchors), the record on the registry, and the lifecycle view: the status at the server clock, the expiry countdown, when renewal is due, the successor of a renewal, the history the watcher recorded, and what the contracts hold (the reserve in the vault, each auditor’s bond, stake and escrowed fee, challenges, grace and settlement).',
  request: { params },
  responses: {
    200: jsonResponse(certificateViewSchema, 'The certificate'),
    400: errorResponse('A malformed certHash'),
    404: errorResponse('The registry holds no such certificate'),
    503: errorResponse('No registry configured, or the node or the store cannot be reached'),
  },
})

const documentRoute = createRoute({
  method: 'get',
  path: '/v1/certificates/{certHash}/document',
  tags: ['certificates'],
  summary: 'The exact stored bytes of a certificate',
  description:
    'The document exactly as stored, re-hashed against the URI the registry anchors. The ETag is the CID (`"bafkrei…"`): a request with `If-None-Match` naming it is answered 304 Not Modified. The bytes of a CID never change, so the answer may be cached for good.',
  request: { params },
  responses: {
    200: { description: 'The stored bytes (application/json)', content: { 'application/json': { schema: z.string().meta({ format: 'binary' }) } } },
    304: { description: 'Not modified: the client holds these bytes (If-None-Match named the CID)' },
    400: errorResponse('A malformed certHash'),
    404: errorResponse('No such certificate, or the store does not hold its document'),
    502: errorResponse('The stored bytes do not hash to the anchored CID'),
    503: errorResponse('No registry configured, or the node or the store cannot be reached'),
  },
})

/**
 * `GET /v1/certificates/{certHash}` and `GET /v1/certificates/{certHash}/document`.
 * @example registerCertificate(app, context)
 */
export function registerCertificate(app: ApiApp, ctx: ServiceContext): void {
  // a certHash anchors one URI forever: remembered, so a 304 needs no RPC
  const uris = new Map<string, string>()
  const recordOf = async (certHash: Hex): Promise<{ record: RegistryRecord; block: bigint }> => {
    const chain = requireChain(ctx)
    const registry = await chain.registry()
    const block = await chain.blockNumber()
    const record = await registry.getCertificate(certHash)
    if (!record) throw new HttpProblem(404, 'CERTIFICATE_NOT_FOUND', `the registry holds no certificate ${certHash}`, { path: '$.params.certHash' })
    if (uris.size > 10_000) uris.clear()
    uris.set(certHash, record.ipfsUri)
    return { record, block }
  }

  app.openapi(viewRoute, async (c) => {
    const certHash = c.req.valid('param').certHash.toLowerCase() as Hex
    const { record, block } = await recordOf(certHash)
    let document: Certificate | null = null
    let documentProblem: string | null = null
    let cid = ''
    try {
      const stored = await storedDocument(ctx.store, record.ipfsUri)
      cid = stored.cid
      const parsed = certificateSchema.safeParse(parseJsonBytes(stored.bytes, { file: record.ipfsUri }).value)
      if (parsed.success) document = parsed.data
      else documentProblem = `the stored document is not a CCP certificate: ${zodIssues(parsed.error).slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ')}`
    } catch (error) {
      if (error instanceof HttpProblem && error.status === 503) throw error
      documentProblem = errorMessage(error)
      cid = record.ipfsUri.replace(/^ipfs:\/\//, '')
    }
    const now = ctx.clock()
    const history = await subjectEvents(ctx.db, 'certificate', certHash)
    const onChain = await certificateLifecycle({ registry: await requireChain(ctx).registry(), certHash }).catch((error: unknown) => {
      if (error instanceof BridgeError && error.kind === 'io') throw error // the node went away: 503, as for the record
      return { problem: errorMessage(error) }
    })
    return c.json(
      {
        certHash,
        uri: record.ipfsUri,
        cid,
        document,
        documentProblem,
        record: registryRecordJson(record),
        lifecycle: lifecycleView({ record, document, history, now, renewDays: ctx.renewDays, onChain }),
        block: block.toString(),
        asOf: isoTime(now),
      },
      200,
    )
  })

  app.openapi(documentRoute, async (c) => {
    const certHash = c.req.valid('param').certHash.toLowerCase() as Hex
    const uri = uris.get(certHash) ?? (await recordOf(certHash)).record.ipfsUri
    const cid = uri.replace(/^ipfs:\/\//, '')
    const etag = `"${cid}"`
    const headers = { ETag: etag, 'Cache-Control': 'public, max-age=31536000, immutable' }
    if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers)
    const { bytes } = await storedDocument(ctx.store, uri)
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { ...headers, 'Content-Type': 'application/json' }) as never
  })
}

/**
 * Whether an If-None-Match header names an ETag (a list, weak validators and `*` included, as RFC 9110 §13.1.2 compares them).
 * @example etagMatches('W/"bafk…", "other"', '"bafk…"') // true
 */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  return header.split(',').some((part) => part.trim().replace(/^W\//, '') === etag)
}
