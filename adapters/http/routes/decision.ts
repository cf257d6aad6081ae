import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { decisionQuerySchema, decisionResponseSchema } from '../../../src/schema/api-decision.ts'
import type { RiskPolicy } from '../../../src/schema/policy.ts'
import { errorResponse, isoTime, jsonResponse, type ApiApp } from '../api-app.ts'
import type { ServiceContext } from '../context.ts'
import { addressParam, checksummed } from '../params.ts'
import { requireChain } from './registry-required.ts'

const route = createRoute({
  method: 'get',
  path: '/v1/agents/{address}/decision',
  tags: ['decisions'],
  summary: "May I transact with this agent? (verify-agent, CCP stages 9–10)",
  description:
    "Runs verify-agent for the agent's certificate: lookup on the registry, the stored document, its CID and certHash, every rule, the operator, agent and auditor signatures, the status, the risk policy and concentration; the decision comes with every reason. " +
    'Decisions are cached per certificate and dropped as soon as the watcher sees a revoke, challenge, renewal or expiry on the registry (or when time alone changes them), so an answer is never staler than the newest block the watcher has seen: `block` says which block it reflects.',
  request: { params: z.object({ address: addressParam }), query: decisionQuerySchema },
  responses: {
    200: jsonResponse(decisionResponseSchema, 'The decision, with every reason and the block it reflects'),
    400: errorResponse('A malformed address or query'),
    503: errorResponse('No registry configured, or the node cannot be reached'),
  },
})

/**
 * `GET /v1/agents/{address}/decision?minClass=&maxLoss=`: the decisions cache in front of verify-agent.
 * @example registerDecision(app, context)
 */
export function registerDecision(app: ApiApp, ctx: ServiceContext): void {
  app.openapi(route, async (c) => {
    const { address } = c.req.valid('param')
    const query = c.req.valid('query')
    requireChain(ctx)
    const policy: RiskPolicy = { ...ctx.policy, ...(query.minClass ? { min_class: query.minClass } : {}), ...(query.maxLoss ? { max_acceptable_loss: query.maxLoss } : {}) }
    const now = ctx.clock()
    const { json, block, cached } = await ctx.decisions.decide(checksummed(address), policy, now)
    const head = ctx.changes.head()
    const reflects = head !== undefined && head > block ? head : block
    // the cached decision's JSON with what each request adds after it: the text of c.json({ ...decision, block, cached, asOf })
    const body = `${json.slice(0, -1)},"block":"${reflects}","cached":${cached},"asOf":"${isoTime(now)}"}`
    return c.body(body, 200, { 'Content-Type': 'application/json' }) as never
  })
}
