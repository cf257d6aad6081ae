import { z } from 'zod'
import { publicKeyFromText, toCereAddress } from '../crypto/ss58.ts'

/**
 * zod schemas of the era-reconciliation files (spec/era-reconciliation.md): usage, params, one events line.
 * Amounts are decimal strings (or safe integers) parsed to bigint; accounts are normalised to Cere SS58.
 * @example const usage = eraUsageSchema.parse(JSON.parse(text))
 */
export const planckSchema = z
  .union([z.string().regex(/^\d+$/, 'expected a decimal string of digits (no sign, no exponent)'), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)])
  .transform((value) => BigInt(value))

/** An account: SS58 with Cere's prefix 54 or a 0x-hex 32-byte public key; normalised to the SS58 address. */
export const accountSchema = z.string().transform((text, context) => {
  try {
    return toCereAddress(publicKeyFromText(text))
  } catch (error) {
    context.addIssue({ code: 'custom', message: `expected an SS58 address (prefix 54) or a 0x-hex 32-byte public key: ${(error as { shortMessage?: string }).shortMessage ?? String(error)}` })
    return z.NEVER
  }
})

/** A cluster id: 20 bytes as 0x-hex, normalised to lower case. */
export const clusterIdSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'expected a cluster id: 0x and 40 hex digits (20 bytes)')
  .transform((text) => text.toLowerCase() as `0x${string}`)

/** The largest era number: the runtime's `DdcEra` / `EhdEra` is a u32. */
export const MAX_ERA = 4_294_967_295

/** An era number: a whole number that fits the runtime's u32. */
export const eraNumberSchema = z.number().int().nonnegative().max(MAX_ERA, `expected an era number of at most ${MAX_ERA} (the runtime's u32)`)

/** The four usage dimensions the runtime prices. */
export const usageDimensionsSchema = z.strictObject({
  transferred_bytes: planckSchema,
  stored_bytes: planckSchema,
  number_of_puts: planckSchema,
  number_of_gets: planckSchema,
})

const partyUsageSchema = usageDimensionsSchema.extend({ id: accountSchema })

/** The `--usage` file: the era's attested usage per customer and per node provider. */
export const eraUsageSchema = z
  .strictObject({
    cluster_id: clusterIdSchema,
    era: eraNumberSchema,
    start: z.number().int().nonnegative(),
    end: z.number().int().nonnegative(),
    customers: z.array(partyUsageSchema),
    providers: z.array(partyUsageSchema),
    cluster_usage: usageDimensionsSchema.optional(),
  })
  .refine((usage) => usage.end >= usage.start, { message: 'end must not be before start', path: ['end'] })

/**
 * A Perquintill share: parts per 10^18, at most one whole (the runtime refuses to decode more).
 * @example perquintillSchema.parse('50000000000000000') // 50000000000000000n (5 %)
 */
export const perquintillSchema = planckSchema.refine((parts) => parts <= 10n ** 18n, 'expected a share in parts per 10^18: at most 10^18 (one whole)')

/** A staker's vote score (the runtime converts it to u64): a decimal string or a safe integer. */
export const stakeScoreSchema = planckSchema.refine((score) => score < 2n ** 64n, 'expected a stake score that fits in 64 bits')

/**
 * The stakers' vote scores, by account (SS58 prefix 54 or 0x-hex public key): `{ "6…": "<score>" }`.
 * Two keys naming the same account are refused.
 */
export const validatorScoresSchema = z.record(z.string(), stakeScoreSchema).transform((scores, context) => {
  const byAccount = new Map<string, bigint>()
  for (const [key, score] of Object.entries(scores)) {
    const parsed = accountSchema.safeParse(key)
    if (!parsed.success) {
      context.addIssue({ code: 'custom', path: [key], message: parsed.error.issues[0]?.message ?? 'expected an account' })
      return z.NEVER
    }
    if (byAccount.has(parsed.data)) {
      context.addIssue({ code: 'custom', path: [key], message: `names the same account as another key (${parsed.data})` })
      return z.NEVER
    }
    byAccount.set(parsed.data, score)
  }
  return byAccount
})

/** The `--params` file: the cluster protocol parameters, named as the runtime names them, and optionally the stakers' scores. */
export const clusterParamsSchema = z.strictObject({
  treasury_share: perquintillSchema,
  validators_share: perquintillSchema,
  cluster_reserve_share: perquintillSchema,
  unit_per_mb_stored: planckSchema,
  unit_per_mb_streamed: planckSchema,
  unit_per_put_request: planckSchema,
  unit_per_get_request: planckSchema,
  validators: z.array(accountSchema),
  /** when present, each staker's `ValidatorRewarded` is checked to the planck (spec rule 7) */
  validator_scores: validatorScoresSchema.optional(),
})

/** One line of the `--events` JSON Lines file: a decoded chain event, data keys as the metadata names the fields. */
export const eraEventLineSchema = z.strictObject({
  block: z.number().int().nonnegative(),
  index: z.number().int().nonnegative(),
  section: z.string().min(1),
  method: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
})

export type UsageDimensions = z.infer<typeof usageDimensionsSchema>
export type EraUsage = z.infer<typeof eraUsageSchema>
export type ClusterParams = z.infer<typeof clusterParamsSchema>
/** The params file as written (amounts as decimal strings). */
export type ClusterParamsInput = z.input<typeof clusterParamsSchema>
export type EraUsageInput = z.input<typeof eraUsageSchema>
export type EraEventLine = z.infer<typeof eraEventLineSchema>
