import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { createTrailAuditor } from '../../../src/activity/trail-audit.ts'
import { sr25519Ready } from '../../../src/crypto/sr25519.ts'
import { BridgeError } from '../../../src/errors.ts'
import { formatBytes } from '../../../src/limits.ts'
import { trailResultSchema, trailVerifyQuerySchema, type TrailUploadFormat } from '../../../src/schema/api-trail.ts'
import { getTrailReport, saveTrailReport } from '../../sql/trail-reports.ts'
import { verifyTrailFiles } from '../../workers/verify-trail.ts'
import { errorResponse, jsonResponse, requestProblem, type ApiApp } from '../api-app.ts'
import { requireKey } from '../auth.ts'
import type { ServiceContext } from '../context.ts'
import { HttpProblem } from '../problem.ts'
import { spoolUpload } from '../upload-spool.ts'

/** Content types of uploads, by format. */
const CONTENT_TYPES: Record<string, TrailUploadFormat> = {
  'application/x-protobuf': 'ddc-protobuf',
  'application/protobuf': 'ddc-protobuf',
  'application/octet-stream': 'ddc-protobuf',
  'application/jsonl': 'scp-jsonl',
  'application/x-ndjson': 'scp-jsonl',
  'application/json-lines': 'scp-jsonl',
  'application/x-jsonlines': 'scp-jsonl',
}
/** The file name an upload is verified under (the readers pick the format by extension); errors call it `upload`. */
const FILE_NAMES: Record<TrailUploadFormat, string> = { 'ddc-protobuf': 'upload.pb', 'scp-jsonl': 'upload.jsonl' }

const auth = [{ bearer: [] as string[] }]

/**
 * `POST /v1/trails/verify` (a streamed upload, verified with the trail readers and the worker pool the CLI uses, its
 * report stored) and `GET /v1/trails/{id}` (a stored report). Both need an API key: scope trails:verify to upload,
 * trails:read to read.
 * @example registerTrails(app, context)
 */
export function registerTrails(app: ApiApp, ctx: ServiceContext): void {
  let running = 0
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'An API key from `ccp-bridge keys create` (ccpb_…)' })
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/v1/trails/verify',
    tags: ['trails'],
    summary: 'Verify an activity trail (streamed upload)',
    description:
      `A DDC ChallengeResponse or ActivityRecord (protobuf: Content-Type application/x-protobuf) or SCP records, batches and validator rounds as JSON Lines (application/jsonl or application/x-ndjson). ` +
      `The body is streamed to disk as it arrives (never held in memory) up to the server's limit (serve --max-upload, default ${formatBytes(256 * 1024 * 1024)}), then every signature is verified in worker threads, the DDC chains and batch Merkle roots are checked and the validator rounds counted. ` +
      'The trail report is stored and returned (201, Location: /v1/trails/{id}). Needs an API key with scope trails:verify.',
    security: auth,
    request: {
      query: trailVerifyQuerySchema,
      body: { required: true, content: { 'application/x-protobuf': { schema: z.string().meta({ format: 'binary' }) }, 'application/jsonl': { schema: z.string() } } },
    },
    responses: {
      201: jsonResponse(trailResultSchema, 'The trail report (report.ok says whether everything verifies)'),
      400: errorResponse('Malformed or truncated input (the error names the byte offset or line)'),
      401: errorResponse('No API key, or a wrong or revoked one'),
      403: errorResponse('The API key lacks the scope trails:verify'),
      413: errorResponse('The upload is larger than the limit'),
      415: errorResponse('A Content-Type that is not a trail format'),
      503: errorResponse('Too many uploads are being verified; retry after the Retry-After seconds'),
    },
  })

  app.post('/v1/trails/verify', requireKey(ctx, 'trails:verify'), async (c) => {
    const query = trailVerifyQuerySchema.safeParse(c.req.query())
    if (!query.success) throw requestProblem(query.error, 'query')
    const contentType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
    const format = query.data.format ?? CONTENT_TYPES[contentType]
    if (!format) {
      throw new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', `expected a trail: Content-Type application/x-protobuf (DDC) or application/jsonl (SCP JSON Lines), got ${JSON.stringify(contentType || 'none')}`, { path: '$.headers.content-type' })
    }
    const length = c.req.header('content-length')
    const declared = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined
    if (declared !== undefined && declared > ctx.limits.uploadBytes) {
      throw new HttpProblem(413, 'UPLOAD_TOO_LARGE', `the upload declares ${declared} bytes, more than ${formatBytes(ctx.limits.uploadBytes)}, the limit of this server`)
    }
    const body = c.req.raw.body
    if (!body || declared === 0) throw new HttpProblem(400, 'UPLOAD_EMPTY', 'the upload is empty, expected a trail')
    if (running >= ctx.limits.concurrentUploads) throw new HttpProblem(503, 'UPLOADS_BUSY', `${running} uploads are being verified, the most this server verifies at once`, { headers: { 'Retry-After': '5' } })
    running++
    const dir = await mkdtemp(join(ctx.uploadDir, 'upload-'))
    try {
      const file = join(dir, FILE_NAMES[format])
      const { bytes, sha256 } = await spoolUpload(body, file, ctx.limits.uploadBytes, declared)
      if (bytes === 0) throw new HttpProblem(400, 'UPLOAD_EMPTY', 'the upload is empty, expected a trail')
      const auditor = createTrailAuditor({ ...(query.data.agent ? { agent: query.data.agent } : {}) })
      try {
        await verifyTrailFiles([file], auditor, { workers: 0, pool: await ctx.verifyPool() })
      } catch (error) {
        throw uploadError(error, file)
      }
      // validator rounds may carry sr25519 votes: the WebAssembly verifier is made ready once (cheap afterwards)
      await sr25519Ready()
      const report = auditor.finish()
      const stored = await saveTrailReport(ctx.db, { id: randomUUID(), keyId: c.get('keyId'), format, bytes, sha256, report })
      ctx.metrics.uploads.inc({ result: report.ok ? 'ok' : 'not-ok' })
      return c.json(stored, 201, { Location: `/v1/trails/${stored.id}` })
    } catch (error) {
      ctx.metrics.uploads.inc({ result: 'refused' })
      throw error
    } finally {
      running--
      await rm(dir, { recursive: true, force: true })
    }
  })

  const readRoute = createRoute({
    method: 'get',
    path: '/v1/trails/{id}',
    tags: ['trails'],
    summary: 'A stored trail report',
    security: auth,
    middleware: [requireKey(ctx, 'trails:read')] as const,
    request: { params: z.object({ id: z.uuid({ message: 'expected a trail report id (a UUID)' }) }) },
    responses: {
      200: jsonResponse(trailResultSchema, 'The stored report'),
      400: errorResponse('A malformed id'),
      401: errorResponse('No API key, or a wrong or revoked one'),
      403: errorResponse('The API key lacks the scope trails:read'),
      404: errorResponse('No such report'),
    },
  })
  app.openapi(readRoute, async (c) => {
    const { id } = c.req.valid('param')
    const stored = await getTrailReport(ctx.db, id)
    if (!stored) throw new HttpProblem(404, 'TRAIL_REPORT_NOT_FOUND', `no trail report ${id}`)
    return c.json(stored, 200)
  })
}

/**
 * An error of the trail readers about the temporary file, as the client sees it: the file is `upload`, its path is named nowhere.
 * Bad input stays 400 with its byte offset, line or JSON path.
 */
function uploadError(error: unknown, file: string): unknown {
  if (!(error instanceof BridgeError)) return error
  const scrub = (text: string | undefined) => text?.split(file).join('upload')
  return new BridgeError(error.code, scrub(error.shortMessage)!, {
    kind: error.kind,
    file: 'upload',
    ...(error.path !== undefined ? { path: error.path } : {}),
    ...(error.offset !== undefined ? { offset: error.offset } : {}),
    ...(error.line !== undefined ? { line: error.line } : {}),
    ...(error.details !== undefined ? { details: scrub(error.details)! } : {}),
  })
}
