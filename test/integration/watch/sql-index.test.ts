import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { getIndexedCertificate, listCertificates, recordCertificateEvent, sqlRegistryIndex, watcherHead } from '../../../adapters/sql/certificates.ts'
import type { SqlDatabase } from '../../../adapters/sql/database.ts'
import { eventsAfter, onEventAppended } from '../../../adapters/sql/events.ts'
import { openDatabase } from '../../../adapters/sql/open-database.ts'
import { advanceCursor, type CertificateChange } from '../../../src/bridge/registry-index.ts'
import type { Hex } from '../../../src/ports.ts'
import { freshSchema, postgresAvailable, testDatabaseUrl } from '../../support/postgres.ts'

const onPostgres = await postgresAvailable()
const cleanups: Array<() => Promise<void> | void> = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

let embedded: Promise<SqlDatabase> | undefined

/**
 * The same index on both engines: PGlite in a temp folder (opened once per file, it is slow to start: emptied for each
 * test), and the machine's PostgreSQL in a schema of its own per test.
 */
const engines: Array<{ name: string; skip: boolean; open(): Promise<{ db: SqlDatabase; second?: () => Promise<SqlDatabase> }> }> = [
  {
    name: 'PGlite (embedded)',
    skip: false,
    open: async () => {
      embedded ??= (async () => {
        const dataDir = mkdtempSync(join(tmpdir(), 'ccp-index-'))
        const db = await openDatabase({ dataDir })
        cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }), () => db.close())
        return db
      })()
      const db = await embedded
      for (const table of ['certificates', 'events', 'state']) await db.query(`delete from ${table}`)
      return { db }
    },
  },
  {
    name: 'PostgreSQL',
    skip: !onPostgres,
    open: async () => {
      const { schema, drop } = freshSchema('index')
      cleanups.push(drop)
      const open = async () => {
        const db = await openDatabase({ url: testDatabaseUrl, schema })
        cleanups.push(() => db.close())
        return db
      }
      return { db: await open(), second: open }
    },
  },
]

const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hex
const blockHash = (n: bigint) => `0x${'b'.repeat(48)}${n.toString(16).padStart(16, '0')}` as Hex
const AGENT = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' as const
const OPERATOR = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as const
const at = new Date('2026-06-15T00:00:00Z')
const head = (block: bigint, previous?: ReturnType<typeof advanceCursor>) => advanceCursor(previous, { block, hash: blockHash(block) }, at)

const published = (n: number, block: bigint, extra: Partial<CertificateChange> = {}): CertificateChange => ({
  type: 'published',
  certHash: hash(n),
  agent: AGENT,
  operator: OPERATOR,
  block,
  logIndex: 1,
  txHash: hash(1000 + n),
  certificateClass: 'C2',
  containmentBound: 123456789012345678901234567890n,
  issuedAt: Date.parse('2026-06-15T00:00:00Z') / 1000,
  expiresAt: Date.parse('2026-08-14T00:00:00Z') / 1000 + n * 86_400,
  uri: `ipfs://bafkrei${n}`,
  registryStatus: 'ACTIVE',
  ...extra,
})
const change = (type: CertificateChange['type'], n: number, block: bigint, extra: Partial<CertificateChange> = {}): CertificateChange => ({ type, certHash: hash(n), agent: AGENT, block, logIndex: 0, txHash: hash(2000 + Number(block)), ...extra })

for (const engine of engines) {
  describe.skipIf(engine.skip)(`registry index on ${engine.name}`, () => {
    it('records each change with its event in one transaction, and the head with them; reads them back exactly', async () => {
      const { db } = await engine.open()
      const index = sqlRegistryIndex(db)
      const woken: string[] = []
      const stop = await onEventAppended(db, (id) => woken.push(id))
      expect(await index.head()).toBeUndefined()
      expect(await watcherHead(db)).toBeUndefined()
      const recorded = await index.record([published(1, 10n), change('challenged', 1, 12n), change('challenge-resolved', 1, 13n, { upheld: false })], head(13n))
      expect(recorded.map((c) => [c.type, c.status])).toEqual([['published', 'ACTIVE'], ['challenged', 'CHALLENGED'], ['challenge-resolved', 'ACTIVE']])
      const cert = await getIndexedCertificate(db, hash(1).toUpperCase().replace('0X', '0x'))
      expect(cert).toEqual({
        certHash: hash(1),
        agent: AGENT,
        operator: OPERATOR,
        certificateClass: 'C2',
        containmentBound: 123456789012345678901234567890n,
        issuedAt: new Date('2026-06-15T00:00:00Z'),
        expiresAt: new Date('2026-08-15T00:00:00Z'),
        status: 'ACTIVE',
        uri: 'ipfs://bafkrei1',
        publishedBlock: 10n,
        publishedTx: hash(1001),
        renewedBy: null,
        lastBlock: 13n,
        updatedAt: expect.any(Date),
      })
      const events = await eventsAfter(db, '0')
      expect(events.map((e) => [e.kind, e.subject, e.payload.type, e.payload.status, e.payload.agent, e.block])).toEqual([
        ['certificate', hash(1), 'published', 'ACTIVE', AGENT, 10n],
        ['certificate', hash(1), 'challenged', 'CHALLENGED', AGENT, 12n],
        ['certificate', hash(1), 'challenge-resolved', 'ACTIVE', AGENT, 13n],
      ])
      expect(events[0]!.payload).toMatchObject({ class: 'C2', containmentBound: '123456789012345678901234567890', expiresAt: '2026-08-15T00:00:00.000Z', uri: 'ipfs://bafkrei1', txHash: hash(1001), operator: OPERATOR })
      expect(await watcherHead(db)).toEqual({ block: 13n, hash: blockHash(13n), at })
      await expect.poll(() => woken.length).toBe(3) // each append NOTIFYs listeners at commit
      await stop()
    })

    it('skips what is at or below the head (another watcher recorded it) and what a certificate already has', async () => {
      const { db } = await engine.open()
      const index = sqlRegistryIndex(db)
      const h = head(20n)
      await index.record([published(2, 20n)], h)
      expect(await index.record([published(2, 20n)], head(20n))).toEqual([]) // the same range again
      const recorded = await index.record([published(2, 20n), change('revoked', 2, 21n)], head(21n, h)) // overlapping range
      expect(recorded.map((c) => c.type)).toEqual(['revoked'])
      expect(await recordCertificateEvent(db, change('revoked', 2, 21n))).toBeNull() // not newer than the certificate's last change
      expect((await eventsAfter(db, '0')).map((e) => e.payload.type)).toEqual(['published', 'revoked'])
      expect((await index.head())?.recent).toEqual([{ block: 20n, hash: blockHash(20n) }])
    })

    it('renewal, expiry, settlement and an upheld challenge keep the statuses the registry gives', async () => {
      const { db } = await engine.open()
      const index = sqlRegistryIndex(db)
      await index.record(
        [
          published(3, 30n),
          published(4, 31n),
          change('expired', 3, 31n, { logIndex: 1 }),
          change('renewed', 3, 31n, { logIndex: 2, successor: hash(4) }),
          change('challenged', 4, 32n),
          change('challenge-resolved', 4, 33n, { upheld: true }),
          change('revoked', 4, 33n, { logIndex: 1 }),
          change('settled', 3, 40n, { upheld: false }),
          change('challenged', 5, 41n, { registryStatus: 'CHALLENGED' }), // a certificate published before the watcher started
        ],
        head(41n),
      )
      expect(await getIndexedCertificate(db, hash(3))).toMatchObject({ status: 'EXPIRED', renewedBy: hash(4), lastBlock: 40n })
      expect(await getIndexedCertificate(db, hash(4))).toMatchObject({ status: 'REVOKED', publishedBlock: 31n })
      expect(await getIndexedCertificate(db, hash(5))).toMatchObject({ status: 'CHALLENGED', operator: null, publishedBlock: null })
      expect((await listCertificates(db, { agent: AGENT.toLowerCase() })).map((c) => c.certHash)).toEqual([hash(4), hash(3), hash(5)])
      expect((await listCertificates(db, { status: 'REVOKED' })).map((c) => c.certHash)).toEqual([hash(4)])
      expect((await listCertificates(db, { operator: OPERATOR, expiringBefore: new Date('2026-09-01T00:00:00Z') })).map((c) => c.certHash)).toEqual([hash(3), hash(4)])
      expect(await listCertificates(db, { agent: '0x0000000000000000000000000000000000000001' })).toEqual([])
    })

    it('a record that fails part-way leaves nothing: no certificate, no event, the head unmoved', async () => {
      const { db } = await engine.open()
      const index = sqlRegistryIndex(db)
      await index.record([published(6, 50n)], head(50n))
      const broken = { ...change('revoked', 6, 52n), agent: null as unknown as typeof AGENT } // agent is NOT NULL
      await expect(index.record([published(7, 51n), broken], head(52n))).rejects.toThrow()
      expect(await getIndexedCertificate(db, hash(7))).toBeUndefined()
      expect((await eventsAfter(db, '0')).map((e) => e.subject)).toEqual([hash(6)])
      expect((await watcherHead(db))?.block).toBe(50n)
    })

    it('a rewind after a deep reorg restores statuses as of the fork block and drops what was first seen after it', async () => {
      const { db } = await engine.open()
      const index = sqlRegistryIndex(db)
      const h60 = head(60n)
      await index.record([published(8, 60n)], h60)
      const h62 = head(62n, h60)
      await index.record([change('revoked', 8, 61n), published(9, 62n)], h62)
      const restored = await index.rewind({ block: 60n, hash: blockHash(60n), recent: [] })
      expect(restored).toEqual([{ certHash: hash(8), status: 'ACTIVE' }, { certHash: hash(9), status: undefined }])
      expect(await getIndexedCertificate(db, hash(8))).toMatchObject({ status: 'ACTIVE', lastBlock: 60n })
      expect(await getIndexedCertificate(db, hash(9))).toBeUndefined()
      expect((await eventsAfter(db, '0')).slice(-2).map((e) => [e.subject, e.payload.type, e.payload.status])).toEqual([
        [hash(8), 'reorged', 'ACTIVE'],
        [hash(9), 'dropped', null],
      ])
      expect((await watcherHead(db))?.block).toBe(60n)
      // the new chain's events apply again
      expect((await index.record([change('revoked', 8, 63n)], head(63n))).map((c) => c.status)).toEqual(['REVOKED'])
      await index.rewind(undefined)
      expect(await watcherHead(db)).toBeUndefined()
      expect(await listCertificates(db)).toEqual([])
    })

    it.skipIf(!engine.name.startsWith('PostgreSQL'))('two pools recording the same ranges at once record every change once', async () => {
      const { db, second } = await engine.open()
      const other = await second!()
      const ranges = Array.from({ length: 8 }, (_, i) => BigInt(100 + i * 10))
      const run = async (database: SqlDatabase) => {
        const index = sqlRegistryIndex(database)
        let cursor: ReturnType<typeof head> | undefined
        for (const end of ranges) {
          cursor = head(end, cursor)
          await index.record([published(Number(end), end - 5n), change('revoked', Number(end), end)], cursor)
        }
      }
      await Promise.all([run(db), run(other)])
      const events = await eventsAfter(db, '0')
      expect(events).toHaveLength(ranges.length * 2)
      expect(new Set(events.map((e) => `${e.subject}/${e.payload.type}`)).size).toBe(ranges.length * 2)
      expect((await listCertificates(db, { status: 'REVOKED' })).length).toBe(ranges.length)
    })
  })
}
