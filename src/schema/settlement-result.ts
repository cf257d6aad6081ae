import { z } from 'zod'

/**
 * zod schema of the `reconcile --json` result, exactly the shape of spec/era-reconciliation.md.
 * Amounts are decimal strings; `difference` is actual − expected and may be negative.
 * @example reconcileResultSchema.parse(JSON.parse(stdout))
 */
export const reconcileResultSchema = z.strictObject({
  verdict: z.enum(['balanced', 'discrepancies', 'incomplete']),
  parties: z.array(
    z.strictObject({
      role: z.enum(['customer', 'provider', 'treasury', 'validators', 'cluster_reserve']),
      id: z.string(),
      expected: z.string().regex(/^\d+$/),
      actual: z.string().regex(/^\d+$/),
      difference: z.string().regex(/^-?\d+$/),
      reason: z.string(),
    }),
  ),
  conservation: z.strictObject({
    collected: z.string().regex(/^\d+$/),
    profits: z.string().regex(/^\d+$/),
    fees: z.string().regex(/^\d+$/),
    undistributed: z.string().regex(/^\d+$/),
    dust: z.string().regex(/^-?\d+$/),
    expected_dust: z.string().regex(/^-?\d+$/),
    holds: z.boolean(),
  }),
  quorum: z.strictObject({ validators: z.number().int().nonnegative(), committed: z.number().int().nonnegative(), holds: z.boolean() }),
  closed: z.boolean(),
})

export type ReconcileResultJson = z.infer<typeof reconcileResultSchema>
export type PartyRole = ReconcileResultJson['parties'][number]['role']
