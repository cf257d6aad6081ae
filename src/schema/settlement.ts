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
    era: z.number().int().nonnegative(),
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

/** The `--params` file: the cluster protocol parameters, named as the runtime names them. */
export const clusterParamsSchema = z.strictObject({
  treasury_share: perquintillSchema,
  validators_share: perquintillSchema,
  cluster_reserve_share: perquintillSchema,
  unit_per_mb_stored: planckSchema,
  unit_per_mb_streamed: planckSchema,
  unit_per_put_request: planckSchema,
  unit_per_get_request: planckSchema,
  validators: z.array(accountSchema),
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
