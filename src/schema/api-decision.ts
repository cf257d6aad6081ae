import { z } from 'zod'
import type { Reason } from '../verify/reasons.ts'
import { certificateStatusSchema } from './certificate.ts'
import { riskPolicySchema } from './policy.ts'
import { apiAddressSchema, apiCertHashSchema, registryStatusSchema } from './api-registry.ts'

/** One reason of a verify-agent decision (src/verify/reasons.ts): the stage that found it, a stable code, its effect. */
export const decisionReasonSchema = z
  .strictObject({
    stage: z.string().meta({ description: 'lookup, retrieve, integrity, validate, signatures, status, policy or concentration', example: 'status' }),
    code: z.string().meta({ example: 'CERTIFICATE_REVOKED' }),
    effect: z.enum(['reject', 'condition', 'could-not-check']),
    message: z.string(),
  })
  .meta({ id: 'DecisionReason' })

// every Reason the use case produces fits the schema (checked by the compiler)
const _reasonFits: z.infer<typeof decisionReasonSchema> = {} as Reason
void _reasonFits

const share = z.object({ contract: z.string(), certificates: z.int(), share: z.number() }).nullable()

/** The concentration check's numbers (src/verify/concentration.ts). */
export const concentrationReportSchema = z
  .strictObject({
    active_certificates: z.int(),
    auditors: z.array(z.strictObject({ auditor: z.string(), certificates: z.int(), share: z.number() })),
    spending_limit: share,
    reserve: share,
  })
  .meta({ id: 'ConcentrationReport' })

/** The query of `GET /v1/agents/{address}/decision`: the counterparty's policy for this call, over the server's. */
export const decisionQuerySchema = z.strictObject({
  minClass: z.enum(['C1', 'C2', 'C3']).optional().meta({ description: 'the lowest acceptable certificate class', example: 'C2' }),
  maxLoss: z
    .string()
    .regex(/^\d{1,78}$/, 'expected a whole number as a decimal string (at most 78 digits)')
    .optional()
    .meta({ description: 'the containment bound must not exceed this (the certificate denomination, decimal string)', example: '10000' }),
})

/**
 * The answer of `GET /v1/agents/{address}/decision`: verify-agent (CCP stages 9–10) with every reason, the block it
 * reflects (no registry event after `computedAtBlock` up to `block` concerns this certificate), and whether it came from the cache.
 * @example decisionResponseSchema.parse(await (await fetch(url)).json()).decision // 'accept'
 */
export const decisionResponseSchema = z
  .strictObject({
    agent: apiAddressSchema,
    decision: z.enum(['accept', 'reject', 'conditional', 'could-not-check']),
    reasons: z.array(decisionReasonSchema),
    certHash: apiCertHashSchema.nullable(),
    uri: z.string().nullable(),
    status: certificateStatusSchema.nullable().meta({ description: 'the status derived from the document, the registry and the clock at asOf' }),
    registryStatus: registryStatusSchema.nullable(),
    certificate: z
      .strictObject({
        certificateClass: z.enum(['C1', 'C2', 'C3']),
        containmentBound: z.string(),
        denomination: z.string(),
        issuedAt: z.string(),
        expiresAt: z.string(),
        agentName: z.string().nullable(),
        operatorName: z.string().nullable(),
      })
      .nullable(),
    concentration: concentrationReportSchema.nullable(),
    policy: riskPolicySchema.meta({ description: 'the policy applied: the server policy with this request’s minClass and maxLoss' }),
    block: z.string().regex(/^\d+$/).meta({ description: 'the newest block this decision reflects (decimal)', example: '42' }),
    computedAtBlock: z.string().regex(/^\d+$/).meta({ description: 'the block the registry was read at when verify-agent ran' }),
    cached: z.boolean(),
    asOf: z.string().meta({ description: 'the clock the decision was judged at (ISO 8601)' }),
  })
  .meta({ id: 'Decision' })

export type DecisionResponse = z.infer<typeof decisionResponseSchema>
export type DecisionQuery = z.infer<typeof decisionQuerySchema>
