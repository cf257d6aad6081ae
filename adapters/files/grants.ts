import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { BridgeError } from '../../src/errors.ts'
import { arrayElements, objectMembers, skipWhitespace } from '../../src/activity/json-text.ts'
import type { GrantSource } from '../../src/consent/grant-bytes.ts'
import { jsonPath } from '../../src/schema/json-path.ts'
import { unreadableError } from './unreadable.ts'
import { LIMITS } from '../../src/limits.ts'
import { readJsonFile } from '../cli/input.ts'

/**
 * Reads grant sources from a file or a folder of `.json` files (sorted by name). A file holds one grant (envelope or
 * expanded form), a JSON array of grants, or `{ "agreements": [...] }`. Each source keeps its exact text, so the
 * expanded form's signed bytes are the bytes in the file.
 * @example const sources = await readGrantSources('grants/'); sources.map((s) => verifyGrant(s, now))
 */
export async function readGrantSources(path: string): Promise<GrantSource[]> {
  let info
  try {
    info = await stat(path)
  } catch (cause) {
    throw unreadableError(path, cause)
  }
  if (!info.isDirectory()) return readGrantFile(path)
  const names = (await readdir(path)).filter((n) => n.toLowerCase().endsWith('.json')).sort()
  const out: GrantSource[] = []
  for (const name of names) out.push(...(await readGrantFile(join(path, name))))
  return out
}

/** The grant sources of one file. */
export async function readGrantFile(file: string): Promise<GrantSource[]> {
  const { value, text } = await readJsonFile(file, LIMITS.grants)
  const open = skipWhitespace(text, 0)
  if (Array.isArray(value)) return elements(text, open, file, [])
  if (value && typeof value === 'object' && 'agreements' in value && !('signature' in value)) {
    const member = objectMembers(text, open).members.find((m) => m.key === 'agreements')!
    if (!Array.isArray((value as { agreements: unknown }).agreements)) {
      throw new BridgeError('GRANTS_INVALID', 'expected "agreements" to be an array of grants', { file, path: '$.agreements' })
    }
    return elements(text, member.valueStart, file, ['agreements'])
  }
  return [{ text: text.slice(open), file, path: '$' }]
}

function elements(text: string, open: number, file: string, path: Array<string | number>): GrantSource[] {
  return arrayElements(text, open).map((span, i) => ({ text: text.slice(span.start, span.end), file, path: jsonPath([...path, i]) }))
}
