import { BridgeError } from '../../src/errors.ts'
import { KeysFileSchema, type KeysFile } from '../../src/schema/evidence-scp.ts'
import { zodIssues } from '../../src/schema/zod-issues.ts'
import { LIMITS } from '../../src/limits.ts'
import { readJsonFile } from '../cli/input.ts'

/**
 * Reads the orchestrator's keys file `{ agents: { <agent key>: { agent-derived-key, orchestrator, agent-runtime } } }`.
 * @example const keys = await readKeysFile('keys.json')
 */
export async function readKeysFile(file: string): Promise<KeysFile> {
  const { value } = await readJsonFile(file, LIMITS.keysFile)
  const parsed = KeysFileSchema.safeParse(value)
  if (!parsed.success) {
    const issue = zodIssues(parsed.error)[0]!
    throw new BridgeError('KEYS_FILE_INVALID', `keys file: ${issue.message}`, { file, path: issue.path })
  }
  return parsed.data
}
