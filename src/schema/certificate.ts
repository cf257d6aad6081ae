import { z } from 'zod'

/**
 * The CCP v0.2.0 certificate (seed 003) as zod schemas: every section, a typed `value` per constraint type.
 * Fields that a validation rule owns (version, certificate_id, addresses) are plain strings here, so the rule reports them with its own code.
 * @example const cert: Certificate = certificateSchema.parse(JSON.parse(text))
 */

/** A token amount: a decimal string (`"50000"`, `"0.25"`), never a JSON number; handled with src/certificate/decimal.ts. */
export const decimalStringSchema = z
  .string({ message: 'expected an amount as a decimal string such as "50000" or "0.5"' })
  .regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'expected an amount as a decimal string such as "50000" or "0.5" (no sign, exponent or leading zeros)')

/** An EVM address as written in the document; `ADDRESS_INVALID` checks its form and EIP-55 checksum. */
export const addressTextSchema = z.string({ message: 'expected an EVM address as a 0x-prefixed string' })

const nonEmpty = z.string().min(1, 'expected a non-empty string')
const isoTime = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 time such as "2026-04-01T00:00:00Z"' })
const seconds = z.int().positive('expected a positive number of seconds')

export const certificateClassSchema = z.enum(['C1', 'C2', 'C3'])
/** C1 (90 days, 1× reserve), C2 (60 days, 3×, attested), C3 (30 days, 5×, composition analysis). */
export type CertificateClass = z.infer<typeof certificateClassSchema>

export const certificateStatusSchema = z.enum(['ACTIVE', 'EXPIRED', 'NOT_YET_VALID', 'REVOKED', 'CHALLENGED'])
/** Derived from the document, the clock and the registry; never signed (it is outside the certHash). */
export type CertificateStatus = z.infer<typeof certificateStatusSchema>

export const identitySchema = z.strictObject({
  agent_id: addressTextSchema,
  operator_id: addressTextSchema,
  chain_id: z.int().positive('expected a positive EVM chain id'),
  agent_name: z.string().optional(),
  operator_name: z.string().optional(),
})

export const validitySchema = z.strictObject({
  issued_at: isoTime,
  expires_at: isoTime,
  /** informative only: `certificateStatus` derives the status */
  status: certificateStatusSchema.optional(),
})

export const enforcementSchema = z.strictObject({
  mechanism: nonEmpty,
  contract_address: addressTextSchema.optional(),
  function_selector: z.string().regex(/^0x[0-9a-fA-F]{8}$/, 'expected a 4-byte function selector such as "0xa9059cbb"').optional(),
})

export const spendingLimitValueSchema = z.strictObject({
  amount: decimalStringSchema,
  denomination: nonEmpty,
  period: z.enum(['TRANSACTION', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'YEAR', 'LIFETIME']),
})

export const multiSigValueSchema = z
  .strictObject({
    threshold: z.int().positive('expected a positive signer threshold'),
    signers: z.array(nonEmpty).min(1, 'expected at least one signer'),
    /** actions above this amount need the signatures; absent: every action */
    trigger_above: decimalStringSchema.optional(),
  })
  .refine((v) => v.threshold <= v.signers.length, { message: 'threshold is larger than the number of signers', path: ['threshold'] })

export const killSwitchValueSchema = z.strictObject({
  mechanism: nonEmpty,
  authorized: z.array(nonEmpty).min(1, 'expected at least one authorized party'),
})

export const timeLockValueSchema = z.strictObject({
  delay_seconds: seconds,
  /** actions above this amount wait for the delay; absent: every action */
  trigger_above: decimalStringSchema.optional(),
})

const scopeIdSchema = z.union([nonEmpty, z.int().nonnegative()])
export const permissionBoundaryValueSchema = z
  .strictObject({
    allowed_actions: z.array(nonEmpty).optional(),
    prohibited_actions: z.array(nonEmpty).optional(),
    /** GAR scopes the agent may write to */
    scopes: z.array(z.strictObject({ vaultId: scopeIdSchema, scopeId: scopeIdSchema })).optional(),
    /** hashes of the consent grants that define the boundary */
    grant_hashes: z.array(z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 32-byte 0x-hex hash')).optional(),
  })
  .refine((v) => [v.allowed_actions, v.prohibited_actions, v.scopes].some((list) => list !== undefined && list.length > 0), {
    message: 'expected at least one of allowed_actions, prohibited_actions or scopes to be non-empty',
  })

export const executionEnvironmentValueSchema = z.strictObject({
  kind: z.enum(['TEE', 'HSM', 'MPC']),
  /** the platform's attestation (report hash or URI) */
  attestation: nonEmpty,
  provider: z.string().optional(),
})

export const reversibilityWindowValueSchema = z.strictObject({
  duration_seconds: seconds,
})

const layer = {
  enforcement: enforcementSchema,
  formally_verified: z.boolean(),
  /** only `true` layers count toward the containment bound */
  agent_independent: z.boolean(),
}

export const constraintSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('SPENDING_LIMIT'), value: spendingLimitValueSchema, ...layer }),
  z.strictObject({ type: z.literal('MULTI_SIG'), value: multiSigValueSchema, ...layer }),
  z.strictObject({ type: z.literal('KILL_SWITCH'), value: killSwitchValueSchema, ...layer }),
  z.strictObject({ type: z.literal('TIME_LOCK'), value: timeLockValueSchema, ...layer }),
  z.strictObject({ type: z.literal('PERMISSION_BOUNDARY'), value: permissionBoundaryValueSchema, ...layer }),
  z.strictObject({ type: z.literal('EXECUTION_ENVIRONMENT'), value: executionEnvironmentValueSchema, ...layer }),
  z.strictObject({ type: z.literal('REVERSIBILITY_WINDOW'), value: reversibilityWindowValueSchema, ...layer }),
])
/** One containment layer. */
export type Constraint = z.infer<typeof constraintSchema>
export type ConstraintType = Constraint['type']
export type SpendingLimitConstraint = Extract<Constraint, { type: 'SPENDING_LIMIT' }>

export const reserveSchema = z.strictObject({
  amount: decimalStringSchema,
  denomination: nonEmpty,
  contract_address: addressTextSchema,
  exogenous: z.boolean(),
  /** reserve ÷ containment bound, as a JSON number (see src/certificate/decimal.ts for the exact comparison) */
  reserve_ratio: z.number().nonnegative('expected a non-negative ratio'),
  lock_mechanism: nonEmpty,
})
export type Reserve = z.infer<typeof reserveSchema>

export const dependencyDisclosureSchema = z.strictObject({
  model_provider: z.string(),
  model_version: z.string(),
  framework: z.string(),
  external_apis: z.array(z.string()),
  data_sources: z.array(z.string()),
})

/** The document's `derived_metrics` section (what `cert derive --write` fills in). */
export const derivedMetricsSchema = z.strictObject({
  containment_bound: decimalStringSchema,
  containment_bound_denomination: nonEmpty,
  agent_independent_layer_count: z.int().nonnegative(),
  agent_influenceable_layer_count: z.int().nonnegative(),
  certificate_class: certificateClassSchema,
})
export type DerivedMetricsSection = z.infer<typeof derivedMetricsSchema>

/**
 * What `deriveMetrics` computes: the section's fields, where the bound is `null` when no agent-independent
 * SPENDING_LIMIT exists and the class is `NONE` when not even C1's rules hold.
 */
export type DerivedMetrics = {
  containment_bound: string | null
  containment_bound_denomination: string | null
  agent_independent_layer_count: number
  agent_influenceable_layer_count: number
  certificate_class: CertificateClass | 'NONE'
}

export const attestationSchema = z.strictObject({
  auditor_id: addressTextSchema,
  auditor_name: z.string().optional(),
  /** what the auditor verified, e.g. SMART_CONTRACT_VERIFICATION, FULL_STACK_VERIFICATION, COMPOSITION_ANALYSIS, ACTIVITY_TRAIL_VERIFICATION */
  scope: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an upper-case scope name such as "FULL_STACK_VERIFICATION"'),
  /** EIP-712 `Attest` signature (65 bytes, or 64 in EIP-2098 form); not part of the certHash */
  signature: z.string().regex(/^0x([0-9a-fA-F]{128}|[0-9a-fA-F]{130})$/, 'expected a 64- or 65-byte 0x-hex signature'),
  report_hash: nonEmpty,
  stake_amount: decimalStringSchema,
  stake_contract: addressTextSchema,
})
/** One auditor's scoped attestation. */
export type Attestation = z.infer<typeof attestationSchema>

export const operatorMetadataSchema = z.strictObject({
  company: z.string(),
  contact: z.string(),
  website: z.string().optional(),
  jurisdiction: z.string(),
  insurance_provider: z.string().nullable().optional(),
  insurance_policy_id: z.string().nullable().optional(),
})

export const certificateSchema = z.strictObject({
  version: z.string({ message: 'expected the version as a string such as "0.2.0"' }),
  certificate_id: z.string({ message: 'expected a UUID v4 string' }),
  identity: identitySchema,
  validity: validitySchema,
  constraints: z.array(constraintSchema),
  reserve: reserveSchema,
  dependency_disclosure: dependencyDisclosureSchema,
  derived_metrics: derivedMetricsSchema,
  attestations: z.array(attestationSchema),
  operator_metadata: operatorMetadataSchema,
})
/** A whole CCP v0.2.0 certificate as stored (with attestation signatures). */
export type Certificate = z.infer<typeof certificateSchema>

/** The committed part of a certificate: no `validity.status`, no attestation signatures (DESIGN.md). */
export type CertificateBody = Omit<Certificate, 'validity' | 'attestations'> & {
  validity: Omit<Certificate['validity'], 'status'>
  attestations: Omit<Attestation, 'signature'>[]
}

/** A certificate before its auditors sign: the status and signatures may be absent (what certHash is computed over). */
export type CertificateDraft = Omit<Certificate, 'validity' | 'attestations'> & {
  validity: Certificate['validity']
  attestations: (Omit<Attestation, 'signature'> & { signature?: string })[]
}
