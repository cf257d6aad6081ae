import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { agentListSchema, certificateSummarySchema, type CertificateSummary } from '../../../src/schema/api-certificate.ts'
import { registryStatusSchema } from '../../../src/schema/api-registry.ts'
import { listCertificates, type IndexedCertificate } from '../../sql/certificates.ts'
import { errorResponse, isoTime, jsonResponse, type ApiApp } from '../api-app.ts'
import type { ServiceContext } from '../context.ts'
import { addressParam, limitParam } from '../params.ts'

const DAY_MS = 86_400_000

const limit = limitParam.optional()

const agentsQuery = z.strictObject({
  operator: addressParam.optional().meta({ description: "only this operator's certificates" }),
  limit: limit.meta({ description: 'the most certificates read (default 500)' }),
})

const certificatesQuery = z.strictObject({
  agent: addressParam.optional(),
  operator: addressParam.optional(),
  status: registryStatusSchema.optional(),
  expiringWithinDays: z.string().regex(/^\d{1,5}$/, 'expected a whole number of days').optional().meta({ description: 'only certificates expiring within this many days, soonest first (what to renew next)' }),
  limit: limit.meta({ description: 'default 100' }),
  offset: z.string().regex(/^\d{1,9}$/, 'expected a whole number').optional(),
})

const agentsRoute = createRoute({
  method: 'get',
  path: '/v1/agents',
  tags: ['certificates'],
  summary: 'Every agent with its certificates',
  description: "From the watcher's index of the registry: each agent with its certificates, newest publish first, each with its status, class, bound, expiry countdown and when its renewal is due.",
  request: { query: agentsQuery },
  responses: { 200: jsonResponse(agentListSchema, 'The agents'), 400: errorResponse('A malformed query') },
})

const certificatesRoute = createRoute({
  method: 'get',
  path: '/v1/certificates',
  tags: ['certificates'],
  summary: 'Certificates of the index, filtered',
  description: "From the watcher's index: by agent, operator or status, or those expiring within some days (soonest first: what an operator renews next).",
  request: { query: certificatesQuery },
  responses: {
    200: jsonResponse(z.strictObject({ certificates: z.array(certificateSummarySchema), watcherHead: z.string().nullable(), asOf: z.string() }).meta({ id: 'CertificateList' }), 'The certificates'),
    400: errorResponse('A malformed query'),
  },
})

/**
 * `GET /v1/agents` and `GET /v1/certificates`: lists from the watcher's index (no RPC).
 * @example registerIndex(app, context)
 */
export function registerIndex(app: ApiApp, ctx: ServiceContext): void {
  app.openapi(agentsRoute, async (c) => {
    const query = c.req.valid('query')
    const now = ctx.clock()
    const rows = await listCertificates(ctx.db, { ...(query.operator ? { operator: query.operator } : {}), limit: Number(query.limit ?? 500) })
    const agents = new Map<string, CertificateSummary[]>()
    for (const row of rows) {
      const list = agents.get(row.agent) ?? []
      list.push(summary(row, now, ctx.renewDays))
      agents.set(row.agent, list)
    }
    const head = ctx.changes.head()
    return c.json({ agents: [...agents].map(([agent, certificates]) => ({ agent, certificates })), watcherHead: head === undefined ? null : head.toString(), asOf: isoTime(now) }, 200)
  })

  app.openapi(certificatesRoute, async (c) => {
    const query = c.req.valid('query')
    const now = ctx.clock()
    const rows = await listCertificates(ctx.db, {
      ...(query.agent ? { agent: query.agent } : {}),
      ...(query.operator ? { operator: query.operator } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.expiringWithinDays ? { expiringBefore: new Date(now.getTime() + Number(query.expiringWithinDays) * DAY_MS) } : {}),
      limit: Number(query.limit ?? 100),
      offset: Number(query.offset ?? 0),
    })
    const head = ctx.changes.head()
    return c.json({ certificates: rows.map((row) => summary(row, now, ctx.renewDays)), watcherHead: head === undefined ? null : head.toString(), asOf: isoTime(now) }, 200)
  })
}

/**
 * A certificate of the index as the lists show it: EXPIRED once its expiry passed (even before anyone called
 * `expire` on the registry), the countdown to its expiry and when its renewal is due.
 */
function summary(row: IndexedCertificate, now: Date, renewDays: number): CertificateSummary {
  const expires = row.expiresAt?.getTime()
  const status = row.status === 'ACTIVE' && expires !== undefined && expires <= now.getTime() ? 'EXPIRED' : (row.status ?? 'UNKNOWN')
  const renewalDueAt = expires === undefined ? null : expires - renewDays * DAY_MS
  return {
    certHash: row.certHash,
    agent: row.agent,
    operator: row.operator,
    certificateClass: row.certificateClass,
    status,
    containmentBound: row.containmentBound === null ? null : row.containmentBound.toString(),
    issuedAt: row.issuedAt ? isoTime(row.issuedAt) : null,
    expiresAt: expires === undefined ? null : isoTime(new Date(expires)),
    expiresInSeconds: expires === undefined ? null : Math.round((expires - now.getTime()) / 1000),
    renewalDueAt: renewalDueAt === null ? null : isoTime(new Date(renewalDueAt)),
    renewalDue: status === 'ACTIVE' && renewalDueAt !== null && now.getTime() >= renewalDueAt,
    uri: row.uri,
    block: row.lastBlock.toString(),
  }
}
