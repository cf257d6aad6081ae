import { z } from 'zod'

/** An ISO 8601 time with a zone (`2026-06-10T08:14:02Z`). */
export const IsoTime = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 time with a zone, like 2026-06-10T08:14:02Z' })

/** A scope context of a grant: a vault scope `{vaultId, scopeId}` or a stream `{workspace_id, stream_id}`. */
export const GrantScopeContextSchema = z.union([
  z.looseObject({ vaultId: z.string().min(1), scopeId: z.string().min(1) }),
  z.looseObject({ workspace_id: z.string().min(1), stream_id: z.string().min(1) }),
])
export type GrantScopeContext = z.infer<typeof GrantScopeContextSchema>

/**
 * The GAR grant payload the user's wallet signs (spec/ddc-activity-wire.md, seed 000). Unknown fields are kept.
 * @example GrantPayloadSchema.parse(JSON.parse(payloadText))
 */
export const GrantPayloadSchema = z.looseObject({
  agent_service_pub_key: z.string().min(1),
  user_pub_key: z.string().min(1),
  created_at: IsoTime,
  expires_at: IsoTime.nullable(),
  revoked: z.boolean(),
  metadata: z.looseObject({
    scopes: z.array(z.looseObject({ context: GrantScopeContextSchema })),
  }),
})
export type GrantPayload = z.infer<typeof GrantPayloadSchema>

/** The signature beside a grant payload. `algorithm` is checked by the verifier (an unknown one is a reason, not a crash). */
export const GrantSignatureSchema = z.object({
  algorithm: z.string(),
  signer: z.string().min(1),
  value: z.string().min(1),
})
export type GrantSignature = z.infer<typeof GrantSignatureSchema>

/** The GAR envelope: `{ payload: base64url(UTF-8 JSON bytes), signature }`. */
export const GrantEnvelopeSchema = z.object({
  payload: z.string(),
  signature: GrantSignatureSchema,
})
export type GrantEnvelope = z.infer<typeof GrantEnvelopeSchema>

/** The status of a grant at a given time, derived (never signed). */
export const GrantStatusSchema = z.enum(['active', 'expired', 'not_yet_valid', 'revoked'])
export type GrantStatus = z.infer<typeof GrantStatusSchema>

/** The result of `verifyGrant` (also the JSON of `grant verify --json`). */
export const GrantVerificationSchema = z.object({
  form: z.enum(['envelope', 'expanded']),
  signatureValid: z.boolean(),
  status: GrantStatusSchema,
  signer: z.string(),
  signerAddress: z.string(),
  scopes: z.array(GrantScopeContextSchema),
  grant: GrantPayloadSchema,
  hash: z.string(),
  reasons: z.array(z.string()),
})
export type GrantVerification = z.infer<typeof GrantVerificationSchema>
