import { z } from 'zod'
import { reconcileResultSchema } from './settlement-result.ts'

/** The path of `GET /v1/eras/{cluster}/{era}`: a cluster id (0x + 20 bytes hex) and an era index (u32). */
export const eraPathSchema = z.strictObject({
  cluster: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a cluster id: 0x followed by 40 hex digits'),
  era: z.string().regex(/^(0|[1-9]\d{0,9})$/, 'expected an era index: a whole number').refine((s) => Number(s) <= 2 ** 32 - 1, 'expected an era index of at most 4294967295'),
})

/**
 * A stored era reconciliation (what `reconcile --json` prints, spec/era-reconciliation.md) with where it came from.
 * The HTML report with the money flow chart is the same URL with `Accept: text/html` or `?format=html`.
 */
export const eraViewSchema = z
  .strictObject({
    clusterId: z.string(),
    era: z.int().nonnegative(),
    verdict: z.enum(['balanced', 'discrepancies', 'incomplete']),
    result: reconcileResultSchema.meta({ id: 'Reconciliation' }),
    source: z.string().meta({ description: 'what was read: node ws://… or files …' }),
    block: z.string().nullable().meta({ description: 'the block whose ClusterEraPaid closed the era' }),
    reconciledAt: z.string(),
    reportUrl: z.string().meta({ description: 'the HTML report of this era' }),
  })
  .meta({ id: 'EraView' })

/** `GET /v1/eras`: the newest stored reconciliations. */
export const eraListSchema = z
  .strictObject({
    eras: z.array(eraViewSchema.omit({ result: true }).extend({ conservationHolds: z.boolean().nullable(), quorumHolds: z.boolean().nullable() })),
  })
  .meta({ id: 'EraList' })

export type EraView = z.infer<typeof eraViewSchema>
export type EraList = z.infer<typeof eraListSchema>
