import { z } from 'zod'
import { TrailReportSchema } from './evidence-trail.ts'

/** The formats `POST /v1/trails/verify` takes: a DDC ChallengeResponse/ActivityRecord (protobuf) or SCP JSON Lines. */
export const trailUploadFormatSchema = z.enum(['ddc-protobuf', 'scp-jsonl'])
export type TrailUploadFormat = z.infer<typeof trailUploadFormatSchema>

/** The query of `POST /v1/trails/verify`. */
export const trailVerifyQuerySchema = z.strictObject({
  format: trailUploadFormatSchema.optional().meta({ description: 'overrides the Content-Type (application/x-protobuf → ddc-protobuf, application/jsonl or application/x-ndjson → scp-jsonl)' }),
  agent: z.string().max(200).optional().meta({ description: 'keep only the records of this agent key' }),
})

/**
 * The answer of `POST /v1/trails/verify` and `GET /v1/trails/{id}`: the stored trail report (docs/evidence-formats.md)
 * with what was uploaded (size, SHA-256) and who uploaded it (the API key's id, never the key).
 */
export const trailResultSchema = z
  .strictObject({
    id: z.uuid(),
    format: trailUploadFormatSchema,
    bytes: z.int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    keyId: z.string(),
    createdAt: z.string(),
    report: TrailReportSchema.meta({ id: 'TrailReport' }),
  })
  .meta({ id: 'TrailResult' })

export type TrailResult = z.infer<typeof trailResultSchema>
