import { z } from 'zod'

/** `GET /health`: whether the service can answer, and how far its background work has come. */
export const healthSchema = z
  .strictObject({
    status: z.enum(['ok', 'degraded']).meta({ description: 'degraded: the database does not answer, or a background loop keeps failing' }),
    version: z.string(),
    database: z.enum(['pglite', 'postgres']),
    registry: z.string().nullable().meta({ description: 'the registry followed (chain id and address), when configured' }),
    watcher: z.strictObject({
      running: z.boolean(),
      head: z.string().nullable().meta({ description: 'the newest confirmed block the watcher has seen' }),
      lastError: z.string().nullable(),
    }),
    eras: z.strictObject({
      running: z.boolean(),
      block: z.string().nullable().meta({ description: 'the newest finalized Cere block the era follower has read' }),
      lastError: z.string().nullable(),
    }),
    uptimeSeconds: z.int().nonnegative(),
  })
  .meta({ id: 'Health' })

/**
 * One event of `GET /v1/events` (Server-Sent Events: `id:` is the event id, `event:` the kind, `data:` this JSON):
 * a certificate's status change (written by the watcher) or an era's verdict (written by the era follower).
 */
export const serviceEventSchema = z
  .strictObject({
    id: z.string(),
    kind: z.enum(['certificate', 'era']),
    subject: z.string().meta({ description: 'the certHash, or <cluster>/<era>' }),
    payload: z.record(z.string(), z.unknown()),
    block: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'ServiceEvent' })

/** The scopes an API key can hold. */
export const apiKeyScopeSchema = z.enum(['trails:verify', 'trails:read'])
export type ApiKeyScope = z.infer<typeof apiKeyScopeSchema>

/** An API key as `ccp-bridge keys list --json` shows it: never the secret, which only `keys create` prints, once. */
export const apiKeyInfoSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  scopes: z.array(apiKeyScopeSchema),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
})

export type Health = z.infer<typeof healthSchema>
export type ServiceEvent = z.infer<typeof serviceEventSchema>
export type ApiKeyInfo = z.infer<typeof apiKeyInfoSchema>
