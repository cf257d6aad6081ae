import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { PROOF_PART_BYTES } from '../../adapters/files/trail-files.ts'
import { generateDdcTrail } from '../../bench/verify-generate.ts'
import { buildDdcRecord, buildProof, challengeResponseOf, type ProofLeaf } from '../../src/activity/build-ddc.ts'
import { decodeChallengeResponse } from '../../src/activity/ddc-challenge.ts'
import { ddcTypes } from '../../src/activity/ddc-schema.ts'
import { auditTrail } from '../../src/activity/trail-audit.ts'
import { ed25519FromSeed } from '../../src/crypto/ed25519.ts'
import { runCli } from '../support/cli.ts'

const dir = mkdtempSync(join(tmpdir(), 'ccp-trail-large-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const client = ed25519FromSeed(new Uint8Array(32).fill(41))
const node = ed25519FromSeed(new Uint8Array(32).fill(42))
const rssHook = fileURLToPath(new URL('../../bench/verify-rss-hook.mjs', import.meta.url))
const peakRssMiB = (stderr: string) => Number(/ccp-bridge-bench-peak-rss-kib (\d+)/.exec(stderr)?.[1]) / 1024

describe('trail verify on one large DDC message (a node answer for a busy bucket)', () => {
  it('verifies 50,000 records in one ChallengeResponse proof in worker threads, and in-process under a 64 MiB heap, with one report', { timeout: 300_000 }, async () => {
    const file = join(dir, 'one-message-50k.pb')
    generateDdcTrail(file, 50_000, { client, node, chain: false, single: true })
    const workers = await runCli(['trail', 'verify', file, '--json', '--workers', '2'], { timeoutMs: 280_000 })
    expect(workers.stderr).toBe('')
    expect(workers.code).toBe(0)
    expect(workers.json()).toMatchObject({ records: 50_000, signatures: 50_000, validSignatures: 50_000, valid: 50_000, invalid: [], findings: [], ok: true, totals: { byScope: { 'ddc bucket 0': { records: 50_000, ops: 50_000 } } } })
    // the in-process path streams the leaves too: a heap far smaller than the decoded message suffices
    const inProcess = await runCli(['trail', 'verify', file, '--json', '--workers', '0'], { env: { NODE_OPTIONS: '--max-old-space-size=64' }, timeoutMs: 280_000 })
    expect(inProcess.code).toBe(0)
    expect(inProcess.stdout).toBe(workers.stdout)
  })

  it('gives the report the whole-message decoder gives: invalid and duplicate records, links, path and usage fields', { timeout: 120_000 }, async () => {
    const leaves: ProofLeaf[] = []
    for (let i = 0; i < 1500; i++) {
      const id = new Uint8Array(16)
      new DataView(id.buffer).setUint32(12, i + 1)
      let record = buildDdcRecord({ id, client, node, requestType: i % 2 ? 'GET' : 'PUT', bucketId: BigInt(1 + (i % 3)), pieceCid: new Uint8Array(36).fill(i & 0xff), size: 10n, timestampMs: 1783000000000n + BigInt(i), bytes: BigInt(i), requestId: `r-${i}`, downstream: i % 7 === 0 ? 1 : 0 })
      if (i === 700) {
        const tampered = ddcTypes.ActivityRecord.decode(record) as any
        tampered.timestamp = 1
        record = ddcTypes.ActivityRecord.encode(tampered).finish()
      }
      leaves.push({ record })
      if (i % 500 === 3) leaves.push({ link: { nodeId: new Uint8Array(32).fill(3), bucketId: 1, recordId: id } })
    }
    leaves.push(leaves[10]!) // a record listed twice
    const bytes = challengeResponseOf([buildProof({ merkleTreeNodeId: 7, usage: { stored: 5, delivered: 6, puts: 1, gets: 2 }, path: [new Uint8Array(32).fill(4)], leaves }), buildProof({ merkleTreeNodeId: 8, leaves: leaves.slice(0, 1) })])
    expect(bytes.length).toBeGreaterThan(2 * PROOF_PART_BYTES) // read in several runs of leaves
    const file = join(dir, 'rich.pb')
    writeFileSync(file, bytes)
    const expected = auditTrail({ records: decodeChallengeResponse(bytes, { file }).records })
    expect(expected).toMatchObject({ records: 1502, valid: 1499 })
    for (const workers of ['2', '0']) {
      const r = await runCli(['trail', 'verify', file, '--json', '--workers', workers])
      expect(r.code, workers).toBe(1)
      expect(r.json(), workers).toEqual(JSON.parse(JSON.stringify(expected)))
    }
  })
})

describe('trail verify --workers N is bounded', () => {
  it('starts no more worker threads than there are cores and batches: --workers 1000 on 6 records stays small', async () => {
    const r = await runCli(['trail', 'verify', 'fixtures/evidence/trail.jsonl', '--json', '--workers', '1000'], { env: { NODE_OPTIONS: `--import=${rssHook}` } })
    expect(r.code).toBe(0)
    expect(r.json()).toMatchObject({ records: 6, valid: 6, ok: true })
    expect(peakRssMiB(r.stderr)).toBeLessThan(400)
  })
})
