import { readdir, stat } from 'node:fs/promises'
import { join, dirname } from 'node:path'
import YAML from 'yaml'
import { BridgeError } from '../../src/errors.ts'
import type { TrailInput } from '../../src/bridge/certify.ts'
import { decodeRawItem } from '../../src/activity/raw-item.ts'
import { readTrailFile } from '../files/trail-files.ts'
export { readKeysFile as readKeys } from '../files/keys.ts'
import { containmentConfigSchema, type ContainmentConfig } from '../../src/schema/config.ts'
import { riskPolicySchema, type RiskPolicy } from '../../src/schema/policy.ts'
import { zodIssues } from '../../src/schema/zod-issues.ts'
import { jsonStateStore } from '../store/json-state-store.ts'
import { unreadableError } from '../files/unreadable.ts'
import { localContentStore } from '../store/local-content-store.ts'
import { parseJsonText, readInputBytes } from './input.ts'

/** The embedded defaults: a local content store and a state file under ./.ccp-bridge. */
export const DEFAULT_STORE = '.ccp-bridge/store'

/**
 * The content store and state store a command uses: `--store DIR` (default .ccp-bridge/store) and `--state FILE`
 * (default state.json beside the store folder).
 * @example const { store, state } = localStores(values.store, values.state)
 */
export function localStores(storeDir: string | undefined, stateFile: string | undefined) {
  const dir = storeDir ?? DEFAULT_STORE
  return { store: localContentStore(dir), state: jsonStateStore(stateFile ?? join(dirname(dir), 'state.json')), storeDir: dir }
}

/** Reads a JSON or YAML file and validates it with a schema; failures name the file and the JSON path. */
async function readStructured<T>(file: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: any } }, what: string): Promise<T> {
  const bytes = await readInputBytes(file)
  const text = new TextDecoder().decode(bytes)
  let value: unknown
  if (/\.ya?ml$/i.test(file)) {
    try {
      value = YAML.parse(text)
    } catch (cause) {
      throw new BridgeError('INPUT_NOT_YAML', `not valid YAML`, { file, cause, details: (cause as Error).message })
    }
  } else value = parseJsonText(text, file)
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const issues = zodIssues(parsed.error)
    const first = issues[0]!
    throw new BridgeError('INPUT_SCHEMA', `${what}: ${first.message}`, { file, path: first.path, ...(issues.length > 1 ? { details: issues.slice(1, 6).map((i) => `${i.path}: ${i.message}`).join('; ') } : {}) })
  }
  return parsed.data
}

/**
 * The operator's containment config (JSON or YAML); failures name the file and the JSON path.
 * @example const config = await readConfig('config.yaml')
 */
export const readConfig = (file: string): Promise<ContainmentConfig> => readStructured(file, containmentConfigSchema, 'containment config')
/**
 * The counterparty's risk policy (JSON or YAML); failures name the file and the JSON path.
 * @example const policy = await readPolicy('policy.json')
 */
export const readPolicy = (file: string): Promise<RiskPolicy> => readStructured(file, riskPolicySchema, 'risk policy')

/**
 * Reads trail files with the evidence readers (adapters/files): `.pb` DDC records, JSON / JSON Lines SCP records,
 * batches, rounds or a bundle `{records, batches, rounds}`; folders are read in name order. Records are decoded here.
 * @example const trail = await readTrail(['trail.json'])
 */
export async function readTrail(paths: string[]): Promise<TrailInput> {
  const trail: TrailInput = { records: [], batches: [], rounds: [] }
  const files: string[] = []
  for (const path of paths) {
    const info = await stat(path).catch((cause) => {
      throw unreadableError(path, cause)
    })
    if (info.isDirectory()) files.push(...(await readdir(path)).filter((n) => /\.(json|jsonl|ndjson|pb)$/.test(n)).sort().map((n) => join(path, n)))
    else files.push(path)
  }
  for (const file of files) {
    for await (const input of readTrailFile(file)) {
      if (input.kind === 'batch') trail.batches.push(input.batch)
      else if (input.kind === 'round') trail.rounds.push(input.round)
      else trail.records.push(...decodeRawItem(input.item))
    }
  }
  return trail
}
