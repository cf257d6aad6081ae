import type { MiddlewareHandler } from 'hono'
import type { ApiKeyScope } from '../../src/schema/api-service.ts'
import { authenticateApiKey } from '../sql/api-keys.ts'
import type { ApiEnv } from './api-app.ts'
import type { ServiceContext } from './context.ts'
import { HttpProblem } from './problem.ts'

const CHALLENGE = 'Bearer realm="ccp-bridge"'

/**
 * Middleware that lets a request through only with `Authorization: Bearer <API key>` of a live key holding `scope`:
 * no key 401 UNAUTHORIZED, a malformed, unknown or revoked key 401 KEY_INVALID / KEY_REVOKED, a key without the scope
 * 403 INSUFFICIENT_SCOPE. The key is compared by hash in constant time and never logged; the handler sees its id.
 * @example app.post('/v1/trails/verify', requireKey(ctx, 'trails:verify'), handler)
 */
export function requireKey(ctx: ServiceContext, scope: ApiKeyScope): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization')
    if (!header) throw new HttpProblem(401, 'UNAUTHORIZED', `this endpoint needs an API key with scope ${scope}`, { path: '$.headers.authorization', details: 'send Authorization: Bearer <key> (create one with `ccp-bridge keys create`)', headers: { 'WWW-Authenticate': CHALLENGE } })
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)
    if (!m) throw new HttpProblem(401, 'UNAUTHORIZED', 'expected Authorization: Bearer <key>', { path: '$.headers.authorization', headers: { 'WWW-Authenticate': `${CHALLENGE}, error="invalid_request"` } })
    const who = await authenticateApiKey(ctx.db, m[1]!)
    if ('refused' in who) {
      const revoked = who.refused === 'revoked'
      throw new HttpProblem(401, revoked ? 'KEY_REVOKED' : 'KEY_INVALID', revoked ? 'this API key was revoked' : 'this API key is not valid', { path: '$.headers.authorization', headers: { 'WWW-Authenticate': `${CHALLENGE}, error="invalid_token"` } })
    }
    if (!who.scopes.includes(scope)) throw new HttpProblem(403, 'INSUFFICIENT_SCOPE', `this API key lacks the scope ${scope}`, { headers: { 'WWW-Authenticate': `${CHALLENGE}, error="insufficient_scope", scope="${scope}"` } })
    c.set('keyId', who.id)
    await next()
  }
}
