import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { SqlDatabase } from '../../../adapters/sql/database.ts'
import { getEra, listEras, saveEra } from '../../../adapters/sql/eras.ts'
import { appendEvent, eventsAfter, onEventAppended } from '../../../adapters/sql/events.ts'
import { migrate } from '../../../adapters/sql/migrate.ts'
import { MIGRATIONS } from '../../../adapters/sql/migrations/index.ts'
import { openDatabase } from '../../../adapters/sql/open-database.ts'
import { pgliteTemplate } from '../../../adapters/sql/pglite-template.ts'
import { sqlStateStore } from '../../../adapters/sql/sql-state-store.ts'
import { BridgeError } from '../../../src/errors.ts'
import { withStateLock } from '../../../src/ports.ts'
import { freshSchema, postgresAvailable, testDatabaseUrl } from '../../support/postgres.ts'
import { projectDir } from '../../support/cli.ts'

const onPostgres = await postgresAvailable()
const cleanups: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

/** The same behaviour on both engines: the embedded one in a temp folder, and the machine's PostgreSQL in a schema of its own. */
const engines: Array<{ name: string; skip: boolean; open(dataDir: string, extra?: { legacyStateFile?: string }): Promise<SqlDatabase> }> = [
  { name: 'PGlite (embedded)', skip: false, open: (dataDir, extra) => openDatabase({ dataDir, ...extra }) },
  {
    name: 'PostgreSQL',
    skip: !onPostgres,
    open: async (dataDir, extra) => {
      const { schema, drop } = freshSchema('state')
      cleanups.push(drop)
      return openDatabase({ url: testDatabaseUrl, schema, dataDir, ...extra })
    },
  },
]

const tempDir = () => mkdtempSync(join(tmpdir(), 'ccp-sql-'))

for (const engine of engines) {
  describe.skipIf(engine.skip)(`state database on ${engine.name}`, () => {
    it('migrates once: a second open applies nothing, and the schema version is recorded', async () => {
      const db = await engine.open(tempDir())
      cleanups.push(() => db.close())
      expect(await migrate(db)).toEqual([])
      const versions = await db.query<{ version: number }>('select version from schema_migrations order by version')
      expect(versions.map((v) => Number(v.version))).toEqual(MIGRATIONS.map((m) => m.version).sort((a, b) => a - b))
    })

    it('stores state: bigint as decimal strings, keys by prefix sorted by code point, % and _ taken literally', async () => {
      const db = await engine.open(tempDir())
      cleanups.push(() => db.close())
      const state = sqlStateStore(db)
      await state.write('publish/0xbb', { step: 'stored', amount: 123456789012345678901234567890n })
      await state.write('publish/0xaa', { step: 'anchored' })
      await state.write('publish%/x', 1)
      await state.write('publishes', 2)
      await state.write('watch/cursor', { block: '12' })
      expect(await state.read('publish/0xbb')).toEqual({ step: 'stored', amount: '123456789012345678901234567890' })
      expect(await state.read('absent')).toBeUndefined()
      expect(await state.keys('publish/')).toEqual(['publish/0xaa', 'publish/0xbb'])
      expect(await state.keys('publish%')).toEqual(['publish%/x'])
      await state.write('publish/0xaa', { step: 'verified' })
      expect(await state.read('publish/0xaa')).toEqual({ step: 'verified' })
    })

    it('imports the JSON state of an earlier version once, never overwriting what SQL already holds', async () => {
      const dataDir = tempDir()
      const legacy = join(dataDir, 'state.json')
      writeFileSync(legacy, JSON.stringify({ 'watch/cursor': { block: '40' }, 'publish/0x01': { step: 'anchored', txHash: '0xab' } }))
      const db = await engine.open(dataDir, { legacyStateFile: legacy })
      cleanups.push(() => db.close())
      const state = sqlStateStore(db)
      expect(await state.read('publish/0x01')).toEqual({ step: 'anchored', txHash: '0xab' })
      expect(await state.read('watch/cursor')).toEqual({ block: '40' })
      await state.write('watch/cursor', { block: '41' })
      // the old file changes (an old version ran again): its new keys arrive, the cursor SQL moved on is kept
      writeFileSync(legacy, JSON.stringify({ 'watch/cursor': { block: '39' }, 'publish/0x02': { step: 'started' } }))
      const { importJsonState } = await import('../../../adapters/sql/import-json-state.ts')
      expect(await importJsonState(db, legacy)).toEqual({ imported: 1, kept: 1 })
      expect(await importJsonState(db, legacy)).toBeUndefined()
      expect(await state.read('watch/cursor')).toEqual({ block: '41' })
      expect(await state.read('publish/0x02')).toEqual({ step: 'started' })
    })

    it('stores era reconciliations and appends events that listeners hear', async () => {
      const db = await engine.open(tempDir())
      cleanups.push(() => db.close())
      const heard: string[] = []
      const stop = await onEventAppended(db, (id) => heard.push(id))
      expect(await saveEra(db, { clusterId: '0x0D14', era: 412, verdict: 'balanced', result: { verdict: 'balanced', amount: 5n }, html: '<p>ok</p>', source: 'files', block: 12n })).toEqual({ inserted: true, verdictChanged: true })
      expect(await saveEra(db, { clusterId: '0x0d14', era: 412, verdict: 'balanced', result: { verdict: 'balanced' }, html: null, source: 'files', block: null })).toEqual({ inserted: false, verdictChanged: false })
      const era = await getEra(db, '0x0d14', 412)
      expect(era).toMatchObject({ clusterId: '0x0d14', era: 412, verdict: 'balanced', html: null, block: null })
      expect((await listEras(db)).map((e) => e.era)).toEqual([412])
      const id = await db.transaction((tx) => appendEvent(tx, { kind: 'era', subject: '0x0d14/412', payload: { verdict: 'balanced' }, block: 12n }))
      const events = await eventsAfter(db, '0')
      expect(events).toMatchObject([{ id, kind: 'era', subject: '0x0d14/412', payload: { verdict: 'balanced' }, block: 12n }])
      for (let i = 0; i < 50 && heard.length === 0; i++) await new Promise((r) => setTimeout(r, 20))
      expect(heard).toEqual([id])
      await stop()
    })

    it('runs one holder of a named lock at a time', async () => {
      const db = await engine.open(tempDir())
      cleanups.push(() => db.close())
      const state = sqlStateStore(db)
      const trace: string[] = []
      const hold = (who: string) =>
        withStateLock(state, 'publish/0xcc', async () => {
          trace.push(`${who} in`)
          await new Promise((r) => setTimeout(r, 30))
          trace.push(`${who} out`)
        })
      await Promise.all([hold('a'), hold('b')])
      // either may go first; never both at once
      expect([trace.join(' '), trace.slice(2).concat(trace.slice(0, 2)).join(' ')]).toContain('a in a out b in b out')
    })
  })
}

describe.skipIf(!onPostgres)('two processes on one PostgreSQL', () => {
  it('a named lock taken by one connection pool makes another wait until it is released', async () => {
    const { schema, drop } = freshSchema('locks')
    cleanups.push(drop)
    const first = await openDatabase({ url: testDatabaseUrl, schema, dataDir: tempDir() })
    const second = await openDatabase({ url: testDatabaseUrl, schema, dataDir: tempDir() })
    cleanups.push(() => first.close(), () => second.close())
    const trace: string[] = []
    let release!: () => void
    const held = first.withLock('watch/revoke/0xdd', async () => {
      trace.push('first in')
      await new Promise<void>((r) => (release = r))
      trace.push('first out')
    })
    await new Promise((r) => setTimeout(r, 50))
    const waiting = second.withLock('watch/revoke/0xdd', async () => void trace.push('second in'))
    await new Promise((r) => setTimeout(r, 150))
    expect(trace).toEqual(['first in'])
    release()
    await Promise.all([held, waiting])
    expect(trace).toEqual(['first in', 'first out', 'second in'])
  })

  it('an unreachable server is a clear io error naming it without its password', async () => {
    const error = await openDatabase({ url: 'postgres://bridge:secret@127.0.0.1:1/none' }).catch((e) => e)
    expect(error).toBeInstanceOf(BridgeError)
    expect(error.code).toBe('DATABASE_UNAVAILABLE')
    expect(error.kind).toBe('io')
    expect(error.message).toContain('127.0.0.1:1')
    expect(error.message).not.toContain('secret')
  })
})

describe('a new embedded database starts from a template', () => {
  it('made by the first new database after its migrations; a later new folder holds the schema and none of its rows', async () => {
    const template = pgliteTemplate(MIGRATIONS)
    const first = await openDatabase({ dataDir: tempDir() })
    await sqlStateStore(first).write('only/in/first', 1)
    await first.close()
    expect(existsSync(template.file)).toBe(true)
    const second = await openDatabase({ dataDir: tempDir() })
    cleanups.push(() => second.close())
    expect(await sqlStateStore(second).read('only/in/first')).toBeUndefined()
    expect(await migrate(second)).toEqual([])
    await sqlStateStore(second).write('only/in/second', 2)
    expect(await sqlStateStore(second).keys('only/')).toEqual(['only/in/second'])
  })
})

describe('the embedded database belongs to one process', () => {
  it('a second process opening the same folder gets DATABASE_IN_USE; after the first closes, it opens', async () => {
    const dataDir = tempDir()
    const db = await openDatabase({ dataDir })
    const script = `import { openDatabase } from './adapters/sql/open-database.ts'
      try { const db = await openDatabase({ dataDir: ${JSON.stringify(dataDir)} }); await db.close(); console.log('opened') }
      catch (e) { console.log(e.code) }`
    const run = () =>
      new Promise<string>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectDir })
        let out = ''
        child.stdout.on('data', (d) => (out += d))
        child.on('close', () => resolve(out.trim()))
      })
    expect(await run()).toBe('DATABASE_IN_USE')
    await expect(openDatabase({ dataDir })).rejects.toMatchObject({ code: 'DATABASE_IN_USE' })
    await db.close()
    expect(await run()).toBe('opened')
  })
})
