import { readdir, stat } from 'node:fs/promises'
import { join, dirname } from 'node:path'
import { BridgeError } from '../../src/errors.ts'
import type { TrailInput } from '../../src/bridge/certify.ts'
import { decodeRawItem } from '../../src/activity/raw-item.ts'
import { readTrailFile } from '../files/trail-files.ts'
export { readKeysFile as readKeys } from '../files/keys.ts'
import { containmentConfigSchema, type ContainmentConfig } from '../../src/schema/config.ts'
import { riskPolicySchema, type RiskPolicy } from '../../src/schema/policy.ts'
import { zodIssues } from '../../src/schema/zod-issues.ts'
import { cliStateStore, DEFAULT_DATA_DIR } from './database.ts'
import { unreadableError } from '../files/unreadable.ts'
import { localContentStore } from '../store/local-content-store.ts'
import { LIMITS } from '../../src/limits.ts'
import { readJsonOrYamlFile } from './input.ts'

/** The embedded defaults: a local content store in ./.ccp-bridge/store, the state database in ./.ccp-bridge/db. */
export const DEFAULT_STORE = join(DEFAULT_DATA_DIR, 'store')

/**
 * The content store and state store a command uses. The data folder is `--data-dir DIR`, else the folder holding
 * `--store DIR`, else .ccp-bridge; the store is `--store DIR`, else `<data dir>/store`. The state lives in SQL:
 * PostgreSQL when DATABASE_URL is set, else the embedded database in `<data dir>/db`, opened on first use. `--state FILE`
 * names a JSON state file of an earlier version to import (default `<data dir>/state.json`, when present).
 * @example const { store, state } = localStores(values.store, values.state, values['data-dir'])
 */
export function localStores(storeDir: string | undefined, stateFile: string | undefined, dataDir?: string | undefined) {
  const data = dataDir ?? (storeDir ? dirname(storeDir) : DEFAULT_DATA_DIR)
  const dir = storeDir ?? join(data, 'store')
  return { store: localContentStore(dir), state: cliStateStore({ dataDir: data, legacyStateFile: stateFile }), storeDir: dir, dataDir: data }
}

/** Reads a JSON or YAML file and validates it with a schema; failures name the file and the JSON path. */
async function readStructured<T>(file: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: any } }, what: string): Promise<T> {
  const value = await readJsonOrYamlFile(file, LIMITS.config)
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
