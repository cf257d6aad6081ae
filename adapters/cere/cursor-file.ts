import { rename, writeFile } from 'node:fs/promises'
import { BridgeError } from '../../src/errors.ts'
import { decodeUtf8, parseJson } from '../../src/json/parse-json.ts'
import { LIMITS } from '../../src/limits.ts'
import { readFileBounded } from '../files/read-file.ts'
import { eraScanCursorSchema, type EraScanCursor } from '../../src/schema/settlement-cursor.ts'
import { zodIssues } from '../../src/schema/zod-issues.ts'

/**
 * Reads a scan cursor file; undefined when it does not exist yet. A cursor of another cluster or era is refused.
 * @example const cursor = await loadCursor('era-412.cursor.json', '0x…', 412)
 */
export async function loadCursor(file: string, clusterId: string, era: number): Promise<EraScanCursor | undefined> {
  let bytes: Uint8Array
  try {
    bytes = await readFileBounded(file, LIMITS.cursorFile)
  } catch (cause) {
    if ((cause as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') return undefined
    throw new BridgeError('CURSOR_UNREADABLE', `cannot read the cursor: ${(cause as BridgeError).shortMessage}`, { file, cause, kind: 'io' })
  }
  const origin = { file, what: 'the cursor file', code: 'CURSOR_NOT_JSON' }
  const value = parseJson(decodeUtf8(bytes, origin), origin)
  const parsed = eraScanCursorSchema.safeParse(value)
  if (!parsed.success) {
    const issue = zodIssues(parsed.error)[0]!
    throw new BridgeError('CURSOR_INVALID', `not a scan cursor: ${issue.message}`, { file, path: issue.path })
  }
  if (parsed.data.cluster_id !== clusterId.toLowerCase() || parsed.data.era !== era) {
    throw new BridgeError('CURSOR_OTHER_ERA', `the cursor is for cluster ${parsed.data.cluster_id} era ${parsed.data.era}, not ${clusterId} era ${era}`, { file })
  }
  return parsed.data
}

/**
 * Writes the cursor atomically (a temporary file renamed over it), so a crash never leaves half a cursor.
 * @example await saveCursor('era-412.cursor.json', cursor)
 */
export async function saveCursor(file: string, cursor: EraScanCursor): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify(cursor)}\n`)
  await rename(temporary, file)
}
