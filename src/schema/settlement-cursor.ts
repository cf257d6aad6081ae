import { z } from 'zod'
import { eraEventLineSchema } from './settlement.ts'

/**
 * zod schema of a scan cursor: where a scan of an era's blocks stopped and the events it found so far,
 * so a scan interrupted by a crash or Ctrl-C resumes without reading a block twice.
 * @example eraScanCursorSchema.parse(JSON.parse(text)).next_block
 */
export const eraScanCursorSchema = z.strictObject({
  cluster_id: z.string().regex(/^0x[0-9a-f]{40}$/),
  era: z.number().int().nonnegative(),
  next_block: z.number().int().nonnegative(),
  events: z.array(eraEventLineSchema),
})

export type EraScanCursor = z.infer<typeof eraScanCursorSchema>
