import type { z } from 'zod'
import { jsonPath } from './json-path.ts'

export type SchemaIssue = { path: string; message: string }

/**
 * Turns zod issues into `{ path, message }` pairs that name the JSON path and what was expected.
 * @example zodIssues(result.error) // [{ path: '$.identity.chain_id', message: 'expected a number, got string' }]
 */
export function zodIssues(error: z.ZodError): SchemaIssue[] {
  return error.issues.map((issue) => ({ path: jsonPath(issue.path), message: describeIssue(issue) }))
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`
  return issue.message.replace(/^Invalid input: /, '').replace(/received undefined$/, 'nothing (missing)')
}
