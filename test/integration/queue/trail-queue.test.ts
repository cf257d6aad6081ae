import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDdcTrail } from '../../../bench/verify-generate.ts'
import { buildDdcRecord, buildProof, challengeResponseOf } from '../../../src/activity/build-ddc.ts'
import { ed25519FromSeed } from '../../../src/crypto/ed25519.ts'
import { projectDir, runCli } from '../../support/cli.ts'
import { postgresAvailable, postgresSkipReason } from '../../support/postgres.ts'
import { freshDatabase, startWorker, stopAllWorkers, stopWorker, type WorkerProcess } from './queue-support.ts'

const available = await postgresAvailable()
const dir = mkdtempSync(join(tmpdir(), 'ccp-trail-queue-'))
const client = ed25519FromSeed(new Uint8Array(32).fill(61))
const node = ed25519FromSeed(new Uint8Array(32).fill(62))
const f = (name: string) => `fixtures/evidence/${name}`
const AUDIT = ['--grants', f('grants'), '--keys', f('keys.json'), '--now', '2026-07-15T00:00:00Z']

let db: Awaited<ReturnType<typeof freshDatabase>>
const many = join(dir, 'many.pb')
const one = join(dir, 'one-message.pb')
const large = join(dir, 'large.pb')

beforeAll(async () => {
  if (!available) return
  db = await freshDatabase('trailq')
  generateDdcTrail(many, 1500, { client, node, chain: true })
  generateDdcTrail(one, 2500, { client, node, chain: false, single: true })
  generateDdcTrail(large, 5000, { client, node, chain: true })
}, 120_000)

afterAll(async () => {
  await stopAllWorkers()
  await db?.drop()
  rmSync(dir, { recursive: true, force: true })
})

/** `trail verify … --queue` and the same local run: both outputs, exit codes. */
async function queuedAndLocal(args: string[], queueArgs: string[] = []) {
  const [queued, local] = await Promise.all([runCli(['trail', 'verify', ...args, '--queue', db.url, ...queueArgs], { timeoutMs: 170_000 }), runCli(['trail', 'verify', ...args])])
  return { queued, local }
}

const ran = (w: WorkerProcess) => (w.log().match(/^run [0-9a-f]{8} batch \d+/gm) ?? []).length

describe.skipIf(!available)(`trail verify --queue on PostgreSQL ${available ? '' : postgresSkipReason}`, () => {
  it('three worker processes verify the batches; the report equals the local run byte for byte (JSON and text)', { timeout: 180_000 }, async () => {
    const three = await Promise.all([startWorker(db.url), startWorker(db.url), startWorker(db.url)])
    const files = [f('trail.jsonl'), f('cases/trail-bad-signature.jsonl'), many, one, f('ddc/challenge-response.pb')]
    const json = await queuedAndLocal([...files, ...AUDIT, '--json'], ['--batch-bytes', '65536'])
    expect(json.queued.stderr).toBe('')
    expect(json.local.code).toBe(1) // the bad signature, duplicates, DDC records no round attests
    expect(json.queued.code).toBe(json.local.code)
    expect(json.queued.stdout).toBe(json.local.stdout)
    const report = json.queued.json()
    expect(report).toMatchObject({ records: 6 + 6 + 1500 + 2500 + 3, invalid: expect.arrayContaining([expect.objectContaining({ recordId: 'dac-0002', file: f('cases/trail-bad-signature.jsonl') })]) })
    for (const w of three) expect(ran(w), w.log()).toBeGreaterThan(0)
    const text = await queuedAndLocal([...files, ...AUDIT], ['--batch-bytes', '65536'])
    expect(text.queued.stdout).toBe(text.local.stdout)
    expect(text.queued.code).toBe(1)
    // a run leaves nothing behind: its batch results are deleted once the report is assembled
    expect(await db.query('select count(*)::int as n from trail_batches')).toEqual([{ n: 0 }])
    expect(await db.query('select count(*)::int as n from trail_runs')).toEqual([{ n: 0 }])
    for (const w of three) expect(await stopWorker(w)).toBe(0)
  })

  it('a worker killed with SIGKILL in the middle of a batch: the batch is retried by another after its lease, every record counted once', { timeout: 180_000 }, async () => {
    const victim = await startWorker(db.url, ['--jobs', '2']) // it holds a second batch while it finishes one
    const coordinator = runCli(['trail', 'verify', large, '--json', '--queue', db.url, '--batch-bytes', '100000', '--lease', '3'], { timeoutMs: 170_000 })
    await victim.waitFor(/^run [0-9a-f]{8} batch \d+/m, 120_000) // it finished one batch and holds the next
    victim.child.kill('SIGKILL')
    await victim.exited
    const held = await db.query(`select count(*)::int as n from pgboss.job where name = 'ccp-bridge-trail' and state = 'active'`)
    expect(held[0].n).toBeGreaterThan(0)
    const survivor = await startWorker(db.url)
    const queued = await coordinator
    const local = await runCli(['trail', 'verify', large, '--json'])
    expect(queued.stderr).toBe('')
    expect(queued.code).toBe(0)
    expect(queued.stdout).toBe(local.stdout)
    expect(queued.json()).toMatchObject({ records: 5000, signatures: 15_000, valid: 5000, findings: [] })
    const retried = await db.query(`select count(*)::int as n from pgboss.job where name = 'ccp-bridge-trail' and retry_count > 0 and state = 'completed'`)
    expect(retried[0].n).toBeGreaterThan(0)
    expect(ran(survivor)).toBeGreaterThan(0)
    await stopWorker(survivor)
  })

  it('a malformed batch fails with the error a local run gives, and so does a file the workers cannot read', { timeout: 180_000 }, async () => {
    const proofs = Array.from({ length: 30 }, (_, i) => {
      const id = new Uint8Array(16)
      new DataView(id.buffer).setUint32(12, i)
      return buildProof({ leaves: [{ record: buildDdcRecord({ id, client, node, requestType: 'GET', bucketId: 2n, pieceCid: new Uint8Array(36), size: 1n, timestampMs: 1783000000000n, bytes: 1n, requestId: `m-${i}` }) }] })
    })
    proofs[20] = buildProof({ leaves: [{ record: Uint8Array.from([0x0a, 0x7f, 1, 2]) }] }) // a record whose id declares 127 bytes
    const malformed = join(dir, 'malformed.pb')
    writeFileSync(malformed, challengeResponseOf(proofs))
    const worker = await startWorker(db.url)
    for (const json of [false, true]) {
      const { queued, local } = await queuedAndLocal([malformed, ...(json ? ['--json'] : [])], ['--batch-bytes', '2048'])
      expect(local.code).toBe(2)
      expect(queued.code).toBe(2)
      expect(queued.stdout).toBe(local.stdout)
      expect(queued.stderr).toBe(local.stderr)
      if (json) expect(queued.json().error).toMatchObject({ code: 'PROTOBUF_MALFORMED', file: malformed })
      else expect(queued.stderr).toMatch(/malformed\.pb \(byte \d+\): ActivityRecord: .*truncated/)
    }
    await stopWorker(worker)

    // the coordinator can read the file when it cuts the trail; by the time a worker takes the batch, it is gone
    const vanishing = join(dir, 'vanishing.pb')
    generateDdcTrail(vanishing, 50, { client, node, chain: false })
    const coordinator = runCli(['trail', 'verify', vanishing, '--queue', db.url], { timeoutMs: 120_000 })
    for (let i = 0; i < 600; i++) {
      if ((await db.query(`select count(*)::int as n from pgboss.job where name = 'ccp-bridge-trail' and state = 'created'`))[0].n > 0) break
      await new Promise((r) => setTimeout(r, 100))
    }
    rmSync(vanishing)
    const late = await startWorker(db.url)
    const queued = await coordinator
    const local = await runCli(['trail', 'verify', vanishing])
    expect(local.stderr).toBe(`error: ${vanishing}: cannot read the file: no such file or folder\n`)
    expect(queued.code).toBe(2)
    // (a note that no worker took the batch yet may come first, on a slow machine)
    expect(queued.stderr.replace(/^note: .*\n/gm, '')).toBe(local.stderr)
    await stopWorker(late)
  })

  it('shows progress on a terminal: records verified of the total, the rate, the time left', { timeout: 180_000 }, async () => {
    const worker = await startWorker(db.url)
    // `script` gives the coordinator a pseudo-terminal, as a person running it has
    const command = [process.execPath, 'bin/ccp-bridge.mjs', 'trail', 'verify', many, '--queue', db.url, '--batch-bytes', '65536'].join(' ')
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: projectDir, stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      child.stdout.on('data', (d) => (out += d))
      child.on('exit', (code) => resolve({ code, out }))
    })
    expect(r.code).toBe(0)
    const lines = r.out.split(/\r\x1b\[2K|\r?\n/).filter((l) => l.startsWith('verified '))
    expect(lines.length).toBeGreaterThanOrEqual(2)
    for (const line of lines) expect(line).toMatch(/^verified [\d,]+ of [\d,]+ records \(\d+%\), [\d,]+ records\/s, (\d+ min )?\d+ s left$/)
    expect(lines.at(-1)).toMatch(/^verified 1,500 of 1,500 records \(100%\), [\d,]+ records\/s, 0 s left$/)
    expect(r.out).toMatch(/result +OK: everything verifies/)
    await stopWorker(worker)
  })

  it('two coordinators on one database never mix their jobs: each gets its own report', { timeout: 180_000 }, async () => {
    const two = await Promise.all([startWorker(db.url), startWorker(db.url)])
    const a = [many, '--json']
    const b = [f('trail.jsonl'), one, ...AUDIT, '--json']
    const [qa, qb, la, lb] = await Promise.all([
      runCli(['trail', 'verify', ...a, '--queue', db.url, '--batch-bytes', '65536'], { timeoutMs: 170_000 }),
      runCli(['trail', 'verify', ...b, '--queue', db.url, '--batch-bytes', '65536'], { timeoutMs: 170_000 }),
      runCli(['trail', 'verify', ...a]),
      runCli(['trail', 'verify', ...b]),
    ])
    expect(qa.stdout).toBe(la.stdout)
    expect(qb.stdout).toBe(lb.stdout)
    expect([qa.code, qb.code]).toEqual([la.code, lb.code])
    expect(qa.json().records).toBe(1500)
    expect(qb.json().records).toBe(2506)
    for (const w of two) await stopWorker(w)
  })
})
