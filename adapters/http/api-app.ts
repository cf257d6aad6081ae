import { OpenAPIHono } from '@hono/zod-openapi'
import type { z } from 'zod'
import { apiErrorSchema } from '../../src/schema/api-error.ts'
import { zodIssues } from '../../src/schema/zod-issues.ts'
import { HttpProblem } from './problem.ts'

/** What a request carries between middleware and handler: the API key that authorised it (its id, never the secret). */
export type ApiEnv = { Variables: { keyId: string } }
export type ApiApp = OpenAPIHono<ApiEnv>

/** The error codes of malformed request parts, by the name of the part (other names: REQUEST_INVALID). */
const CODES: Record<string, string> = {
  address: 'ADDRESS_INVALID',
  certHash: 'CERT_HASH_INVALID',
  cluster: 'CLUSTER_INVALID',
  era: 'ERA_INVALID',
  id: 'ID_INVALID',
}

const PLACES: Record<string, string> = { param: 'params', query: 'query', header: 'headers', json: 'body', form: 'body', cookie: 'cookies' }

/**
 * A new app for the API whose request validation answers 400 with the error document (the code names the bad part:
 * ADDRESS_INVALID, CERT_HASH_INVALID…, the path says where: `$.params.address`, `$.query.minClass`).
 * @example const app = apiApp(); app.openapi(route, handler)
 */
export function apiApp(): ApiApp {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (result.success) return
      throw requestProblem(result.error as z.ZodError, result.target)
    },
  })
}

/**
 * The 400 problem for a request part that fails its schema.
 * @example throw requestProblem(parsed.error, 'query')
 */
export function requestProblem(error: z.ZodError, target: string): HttpProblem {
  const issues = zodIssues(error)
  const first = issues[0] ?? { path: '$', message: 'invalid' }
  const place = PLACES[target] ?? target
  const name = String(error.issues[0]?.path[0] ?? '')
  const code = error.issues[0]?.code === 'unrecognized_keys' ? 'UNKNOWN_PARAMETER' : (CODES[name] ?? 'REQUEST_INVALID')
  const what = name ? `${place === 'params' ? 'path parameter' : place === 'query' ? 'query parameter' : place} ${name}` : place
  return new HttpProblem(400, code, `${what}: ${first.message}`, {
    path: `$.${place}${first.path.slice(1)}`,
    ...(issues.length > 1 ? { details: issues.slice(1, 6).map((i) => `$.${place}${i.path.slice(1)}: ${i.message}`).join('; ') } : {}),
  })
}

/** The OpenAPI description of an error answer. */
export function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: apiErrorSchema } } }
}

/** The OpenAPI description of a JSON answer. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } }
}

/**
 * Milliseconds since the epoch as ISO 8601 without milliseconds when they are zero (`2026-06-15T00:00:00Z`), as the
 * certificates write their times.
 * @example isoTime(new Date('2026-06-15T00:00:00Z')) // '2026-06-15T00:00:00Z'
 */
export function isoTime(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z')
}
