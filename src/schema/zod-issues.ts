import type { z } from 'zod'
import { excerpt, quoted } from '../errors.ts'
import { MAX_ECHO_CHARS } from '../limits.ts'
import { jsonPath } from './json-path.ts'

export type SchemaIssue = { path: string; message: string }

/**
 * Turns zod issues into `{ path, message }` pairs that name the JSON path and what was expected.
 * @example zodIssues(result.error) // [{ path: '$.identity.chain_id', message: 'expected a number, got string' }]
 */
export function zodIssues(error: z.ZodError): SchemaIssue[] {
  return error.issues.map((issue) => ({ path: excerpt(jsonPath(issue.path), MAX_ECHO_CHARS), message: excerpt(describeIssue(issue), 5 * MAX_ECHO_CHARS) }))
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.slice(0, 10).map((k) => quoted(k)).join(', ')}${issue.keys.length > 10 ? ` and ${issue.keys.length - 10} more` : ''}`
  return issue.message.replace(/^Invalid input: /, '').replace(/received undefined$/, 'nothing (missing)')
}
