import { z } from 'zod'
import { certificateSchema, certificateStatusSchema } from './certificate.ts'
import { apiAddressSchema, apiCertHashSchema, registryRecordJsonSchema, registryStatusSchema } from './api-registry.ts'

/** One entry of a certificate's history: a status change the watcher saw on the registry (from the event log). */
export const lifecycleEntrySchema = z
  .strictObject({
    eventId: z.string().meta({ description: 'the id of the event in /v1/events' }),
    at: z.string().meta({ description: 'when the bridge recorded it (ISO 8601)' }),
    block: z.string().nullable().meta({ description: 'the block of the registry event' }),
    status: z.string().nullable().meta({ example: 'REVOKED' }),
    summary: z.string(),
  })
  .meta({ id: 'LifecycleEntry' })

const amount = z.string().regex(/^\d+$/).meta({ description: "in the token's smallest unit (decimal string)" })

/**
 * What the registry and the contracts around it know of a certificate's lifecycle (seed 004 stages 2, 3, 5, 11, 12):
 * termination, the grace period, the reserve locked in the vault, each auditor's bond, stake and escrowed fee, the
 * challenges, settlement. Times are ISO 8601, amounts decimal strings.
 */
export const chainLifecycleSchema = z
  .strictObject({
    terminatedAt: z.string().nullable(),
    graceEndsAt: z.string().nullable(),
    graceSeconds: z.int().nonnegative(),
    settled: z.boolean(),
    challengeOpen: z.boolean(),
    challengeUpheld: z.boolean(),
    reserve: z.strictObject({
      token: z.string().nullable(),
      symbol: z.string().nullable(),
      decimals: z.int(),
      deposited: amount,
      backing: amount,
      required: amount,
      exogenous: z.boolean(),
    }),
    auditors: z.array(
      z.strictObject({
        auditor: z.string(),
        bonded: z.boolean(),
        staked: amount,
        fee: z.strictObject({ amount, token: z.string(), state: z.string() }).nullable(),
      }),
    ),
    challenges: z.array(
      z.strictObject({
        challengeId: z.string(),
        kind: z.string(),
        state: z.string(),
        challenger: z.string(),
        openedAt: z.string(),
        deadline: z.string(),
        upholdVotes: z.int(),
        rejectVotes: z.int(),
      }),
    ),
  })
  .meta({ id: 'ChainLifecycle' })

/**
 * Where a certificate is in its lifecycle (seed 004): the derived status, the expiry countdown, when its renewal is
 * due, the certificate that replaced it, and its history on the registry.
 */
export const lifecycleSchema = z
  .strictObject({
    status: certificateStatusSchema,
    registryStatus: registryStatusSchema.nullable(),
    issuedAt: z.string(),
    expiresAt: z.string(),
    expiresInSeconds: z.int().meta({ description: 'seconds from asOf to expiry (negative once expired)' }),
    renewalDueAt: z.string().meta({ description: 'expiresAt minus the renewal window (serve --renew-days, default 7)' }),
    renewalDue: z.boolean(),
    replacedBy: apiCertHashSchema.nullable().meta({ description: 'the successor that renewed it, when one did' }),
    history: z.array(lifecycleEntrySchema),
    onChain: chainLifecycleSchema.nullable().meta({ description: 'what the contracts hold (reserve, stakes, fees, challenges, settlement); null when they could not be read' }),
    onChainProblem: z.string().nullable(),
  })
  .meta({ id: 'Lifecycle' })

/**
 * The answer of `GET /v1/certificates/{certHash}`: the stored document, the registry record and the lifecycle view.
 * `document` is null (with `documentProblem`) when the store does not hold the bytes or they do not hash to the URI.
 */
export const certificateViewSchema = z
  .strictObject({
    certHash: apiCertHashSchema,
    uri: z.string(),
    cid: z.string(),
    document: certificateSchema.nullable().meta({ description: 'the certificate as stored (exact bytes at /document)' }),
    documentProblem: z.string().nullable(),
    record: registryRecordJsonSchema,
    lifecycle: lifecycleSchema,
    block: z.string().regex(/^\d+$/).meta({ description: 'the block the registry record was read at' }),
    asOf: z.string(),
  })
  .meta({ id: 'CertificateView' })

/** A certificate in the lists of `/v1/agents` and `/v1/certificates` (from the watcher's index of the registry). */
export const certificateSummarySchema = z
  .strictObject({
    certHash: apiCertHashSchema,
    agent: apiAddressSchema,
    operator: apiAddressSchema.nullable(),
    certificateClass: z.string().nullable(),
    status: z.string().meta({ description: 'the registry status, or EXPIRED once past expiry', example: 'ACTIVE' }),
    containmentBound: z.string().nullable(),
    issuedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    expiresInSeconds: z.int().nullable(),
    renewalDueAt: z.string().nullable(),
    renewalDue: z.boolean(),
    uri: z.string().nullable(),
    block: z.string().nullable().meta({ description: 'the block of the last change the watcher saw' }),
  })
  .meta({ id: 'CertificateSummary' })

/** `GET /v1/agents`: every agent the watcher has seen, with its certificates (newest first). */
export const agentListSchema = z
  .strictObject({
    agents: z.array(z.strictObject({ agent: apiAddressSchema, certificates: z.array(certificateSummarySchema) })),
    watcherHead: z.string().nullable().meta({ description: 'the newest confirmed block the watcher has seen' }),
    asOf: z.string(),
  })
  .meta({ id: 'AgentList' })

export type CertificateView = z.infer<typeof certificateViewSchema>
export type CertificateSummary = z.infer<typeof certificateSummarySchema>
export type AgentList = z.infer<typeof agentListSchema>
export type LifecycleEntry = z.infer<typeof lifecycleEntrySchema>
export type ChainLifecycle = z.infer<typeof chainLifecycleSchema>
