import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

/** `../shared` beside the project (CI has it; a fresh clone alone does not). */
export const sharedDir = fileURLToPath(new URL('../../../shared/', import.meta.url))
export const hasShared = existsSync(join(sharedDir, 'DESIGN.md'))

/** The path of a file under ../shared. */
export function sharedFile(...parts: string[]): string {
  return join(sharedDir, ...parts)
}

/** The reason printed when a test skips because ../shared is absent. */
export const sharedSkipReason = `../shared is absent (looked in ${sharedDir}): tests on Cere's real vectors and metadata are skipped`
if (!hasShared) console.warn(`SKIP: ${sharedSkipReason}`)
