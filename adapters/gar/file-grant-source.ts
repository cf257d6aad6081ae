import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { BridgeError } from '../../src/errors.ts'
import type { GrantInput, GrantSource } from '../../src/ports.ts'
import { readJsonFile } from '../cli/input.ts'

/**
 * GAR grants from files: one envelope per file, a JSON array of envelopes, `{ "agreements": [...] }`,
 * or a folder of such .json files (read in name order). Returns every envelope found; the use case
 * checks each one's signature, agent and status.
 * @example const grants = await fileGrantSource(['grants/']).agreements(agentKey)
 */
export function fileGrantSource(paths: string[]): GrantSource {
  return {
    description: `grant files ${paths.join(', ')}`,
    async agreements() {
      const out: GrantInput[] = []
      for (const path of paths) out.push(...(await readGrantPath(path)))
      return out
    },
  }
}

/**
 * Every envelope in a file or folder, each with its origin (`file` or `file at $[2]`).
 * @example await readGrantPath('grants/') // [{ envelope, origin: 'grants/a.json' }]
 */
export async function readGrantPath(path: string): Promise<GrantInput[]> {
  let info
  try {
    info = await stat(path)
  } catch (cause) {
    throw new BridgeError('INPUT_UNREADABLE', `cannot read ${path}: no such file or folder`, { file: path, cause })
  }
  if (info.isDirectory()) {
    const names = (await readdir(path)).filter((name) => name.endsWith('.json')).sort()
    const out: GrantInput[] = []
    for (const name of names) out.push(...(await readGrantFile(join(path, name))))
    return out
  }
  return readGrantFile(path)
}

async function readGrantFile(file: string): Promise<GrantInput[]> {
  const { value } = await readJsonFile(file)
  return grantEnvelopesOf(value, file)
}

/**
 * The envelopes of one parsed JSON value in any of the accepted shapes (envelope, array, `{agreements}`).
 * @example grantEnvelopesOf({ agreements: [env] }, 'gar.json') // [{ envelope: env, origin: 'gar.json at $.agreements[0]' }]
 */
export function grantEnvelopesOf(value: unknown, origin: string): GrantInput[] {
  if (Array.isArray(value)) return value.map((envelope, i) => ({ envelope, origin: `${origin} at $[${i}]` }))
  if (value !== null && typeof value === 'object' && 'agreements' in value) {
    const list = (value as { agreements: unknown }).agreements
    if (!Array.isArray(list)) throw new BridgeError('GRANTS_SHAPE', 'expected "agreements" to be an array of grant envelopes', { file: origin, path: '$.agreements' })
    return list.map((envelope, i) => ({ envelope, origin: `${origin} at $.agreements[${i}]` }))
  }
  if (value !== null && typeof value === 'object' && 'payload' in value) return [{ envelope: value, origin }]
  throw new BridgeError('GRANTS_SHAPE', 'expected a grant envelope {payload, signature}, an array of them, or {"agreements": [...]}', { file: origin, path: '$' })
}
