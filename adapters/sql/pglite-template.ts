import { createHash } from 'node:crypto'
import { readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Migration } from './migrations/migration.ts'

/**
 * A new embedded database starts from a template: a dump of a database that PGlite already initialised and that the
 * migrations already ran on, kept in the system's temporary folder under a name that changes with the PGlite version
 * and with the migrations. Loading it skips initdb (most of the time a first start takes), so a new data folder opens
 * about as fast as an existing one. Without a template (first use on this machine), the first new database makes it.
 * @example const template = pgliteTemplate(MIGRATIONS); const dump = await template.load()
 */
export function pgliteTemplate(migrations: Migration[]): { file: string; load(): Promise<Blob | undefined>; save(dump: Blob): Promise<void> } {
  const key = createHash('sha256').update(pgliteVersion()).update(JSON.stringify(migrations)).digest('hex').slice(0, 16)
  const file = join(tmpdir(), `ccp-bridge-pglite-template-${key}.tar`)
  return {
    file,
    async load() {
      try {
        return new Blob([await readFile(file)])
      } catch {
        return undefined
      }
    },
    async save(dump) {
      // written aside, then renamed: a process that reads it never sees half a template
      const partial = `${file}.${process.pid}.partial`
      try {
        await writeFile(partial, new Uint8Array(await dump.arrayBuffer()))
        await rename(partial, file)
        // templates of other PGlite versions or migrations are of no further use
        for (const name of await readdir(tmpdir())) {
          if (/^ccp-bridge-pglite-template-[0-9a-f]{16}\.tar$/.test(name) && join(tmpdir(), name) !== file) await unlink(join(tmpdir(), name)).catch(() => undefined)
        }
      } catch {
        // a template is an optimisation: a folder we cannot write to only means the next start is slower
      }
    },
  }
}

function pgliteVersion(): string {
  try {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite')
    const pkg = createRequire(import.meta.url)(join(dirname(entry), '..', 'package.json')) as { version?: string }
    return pkg.version ?? 'unknown'
  } catch {
    return 'unknown'
  }
}
