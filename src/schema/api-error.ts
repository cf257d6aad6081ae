import { z } from 'zod'

/**
 * The error body of every 4xx/5xx answer of the HTTP API: the same `{ "error": {...} }` document the CLI prints with
 * `--json` (BridgeError.toJSON), so one client parses both. `path` names the bad part of the request: `$.params.address`,
 * `$.query.minClass`, or a JSON path inside an uploaded document; `offset` a byte offset into an upload.
 * @example apiErrorSchema.parse({ error: { code: 'ADDRESS_INVALID', message: 'expected 0x followed by 40 hex digits', path: '$.params.address' } })
 */
export const apiErrorSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({ description: 'a stable code, such as ADDRESS_INVALID, NOT_FOUND, UNAUTHORIZED, UPLOAD_TOO_LARGE', example: 'ADDRESS_INVALID' }),
      message: z.string().meta({ description: 'one line for a person', example: 'expected an EVM address (0x + 40 hex digits), got "0x12"' }),
      details: z.string().optional(),
      file: z.string().optional().meta({ description: 'the upload or stored document the problem is in' }),
      line: z.int().optional().meta({ description: 'the line of a JSON Lines upload (1-based)' }),
      path: z.string().optional().meta({ description: 'where in the request: $.params.x, $.query.x, $.headers.x, or a JSON path in the upload' }),
      offset: z.int().optional().meta({ description: 'a byte offset into a binary upload' }),
    }),
  })
  .meta({ id: 'Error', description: 'The error document, the same shape as the CLI prints with --json' })

export type ApiError = z.infer<typeof apiErrorSchema>
