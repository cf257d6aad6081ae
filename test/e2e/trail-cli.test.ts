import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildDdcRecord } from '../../src/activity/build-ddc.ts'
import { sr25519FromSeed, sr25519Ready } from '../../src/crypto/sr25519.ts'
import { runCli } from '../support/cli.ts'
import { hasShared, sharedFile, sharedSkipReason } from '../support/shared.ts'

const NOW = ['--now', '2026-07-15T00:00:00Z']
const f = (name: string) => `fixtures/evidence/${name}`
const AUDIT = ['--grants', f('grants'), '--keys', f('keys.json'), ...NOW]

describe.skipIf(!hasShared)(`trail verify on the real DDC vectors ${hasShared ? '' : sharedSkipReason}`, () => {
  it('verifies 3 records and 16 signatures of the ChallengeResponse, and the signed node answer, in workers too', async () => {
    const files = [sharedFile('conformance', 'ddc', 'challenge_response.pb'), sharedFile('conformance', 'ddc', 'activity_buckets_signed_resp.json')]
    for (const workers of ['0', '2']) {
      const r = await runCli(['trail', 'verify', files[0]!, '--json', '--workers', workers])
      expect(r.code).toBe(0)
      expect(r.json()).toMatchObject({ records: 3, signatures: 16, validSignatures: 16, valid: 3, invalid: [], findings: [], ok: true })
    }
    const both = await runCli(['trail', 'verify', ...files])
    expect(both.code).toBe(0)
    expect(both.stdout).toMatch(/records +4 \(4 valid, 0 invalid\)/)
    expect(both.stdout).toMatch(/signatures +17 \(17 valid\)/)
  })
})

describe('ccp-bridge trail verify', () => {
  it('audits the generated trail with grants and keys (JSON Lines and a bundle give the same report)', async () => {
    const r = await runCli(['trail', 'verify', f('trail.jsonl'), ...AUDIT, '--json'])
    expect(r.code).toBe(0)
    const report = r.json()
    expect(report).toMatchObject({ records: 6, signatures: 18, valid: 6, invalid: [], findings: [], outOfScope: 0, attested: 6, audited: true, keysChecked: true, ok: true })
    const bundle = await runCli(['trail', 'verify', f('trail-bundle.json'), ...AUDIT, '--json'])
    expect(bundle.json()).toEqual(report)
    const human = await runCli(['trail', 'verify', f('trail.jsonl'), ...AUDIT])
    expect(human.stdout).toMatch(/round +dragon-1 era 412: 4\/5 agree \(need 4\) → PASS/)
    expect(human.stdout).toMatch(/result +OK/)
  })

  it('verifies generated DDC protobuf files (ChallengeResponse and a bare PUT record) in-process and in workers alike', async () => {
    const a = await runCli(['trail', 'verify', f('ddc/challenge-response.pb'), f('ddc/put-record.pb'), '--json', '--workers', '0'])
    const b = await runCli(['trail', 'verify', f('ddc/challenge-response.pb'), f('ddc/put-record.pb'), '--json', '--workers', '2'])
    expect(a.code).toBe(1) // the bare PUT record repeats the first record of the ChallengeResponse
    expect(a.json()).toMatchObject({ records: 4, valid: 3, findings: [expect.objectContaining({ code: 'DUPLICATE_RECORD' })] })
    expect(b.json()).toEqual(a.json())
    const alone = await runCli(['trail', 'verify', f('ddc/challenge-response.pb'), '--json'])
    expect(alone.code).toBe(0)
    expect(alone.json()).toMatchObject({ records: 3, signatures: 13, valid: 3 })
  })

  it('verifies sr25519 DDC records in a fresh process, in-process and in a worker', async () => {
    await sr25519Ready()
    const signer = (n: number) => ({ ...sr25519FromSeed(new Uint8Array(32).fill(n)), algorithm: 'sr25519' as const })
    const dir = mkdtempSync(join(tmpdir(), 'ccp-trail-sr-'))
    try {
      const file = join(dir, 'sr25519.pb')
      writeFileSync(file, buildDdcRecord({ id: new Uint8Array(16).fill(9), client: signer(3), node: signer(4), requestType: 'PUT', bucketId: 3n, pieceCid: new Uint8Array(32).fill(1), size: 10n, timestampMs: 1783000000000n, bytes: 10n, requestId: 'r1', downstream: 1 }))
      for (const workers of ['0', '1']) {
        const r = await runCli(['trail', 'verify', file, '--json', '--workers', workers])
        expect(r.code, workers).toBe(0)
        expect(r.json()).toMatchObject({ records: 1, signatures: 5, validSignatures: 5, ok: true })
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('exits 1 listing the record and reason for records that are checked and bad', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['cases/trail-bad-signature.jsonl', 'dac-0002', /signatures\[1\] \(orchestrator\): ed25519 signature does not verify/],
      ['cases/trail-missing-role.jsonl', 'dac-0001', /missing the agent-runtime signature/],
      ['cases/trail-wrong-lengths.jsonl', 'dac-0001', /signatures\[2\] \(agent-runtime\): signature is 19 bytes, expected 64/],
      ['cases/trail-unknown-algorithm.jsonl', 'dac-0001', /unknown signature algorithm "ecdsa"/],
      ['cases/trail-rogue-orchestrator.jsonl', 'dac-0010', /orchestrator signer is not the key registered/],
    ]
    const results = await Promise.all(cases.map(([file]) => runCli(['trail', 'verify', f(file), ...AUDIT, '--json'])))
    results.forEach((r, i) => {
      const [file, recordId, reason] = cases[i]!
      expect(r.code, file).toBe(1)
      const invalid = r.json().invalid
      expect(invalid, file).toHaveLength(1)
      expect(invalid[0], file).toMatchObject({ recordId, file: f(file) })
      expect(invalid[0].reason, file).toMatch(reason)
    })
    const scope = await runCli(['trail', 'verify', f('cases/trail-out-of-scope.jsonl'), ...AUDIT, '--json'])
    expect(scope.code).toBe(1)
    expect(scope.json()).toMatchObject({ outOfScope: 1, findings: [{ code: 'NO_COVERING_GRANT', recordId: 'dac-0007' }] })
    const unaudited = await runCli(['trail', 'verify', f('cases/trail-out-of-scope.jsonl'), ...NOW, '--json'])
    expect(unaudited.code).toBe(0)
    const round = await runCli(['trail', 'verify', f('cases/trail-round-fails.jsonl'), ...AUDIT])
    expect(round.code).toBe(1)
    expect(round.stdout).toMatch(/3\/5 agree \(need 4\) → FAIL/)
  })

  it('exits 2 when nothing was checked: [], an empty file, an --agent or a period that selects no record, --from after --to', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccp-trail-nothing-'))
    try {
      const emptyArray = join(dir, 'empty-array.json')
      const emptyLines = join(dir, 'empty.jsonl')
      const onlyRound = join(dir, 'only-batch.jsonl')
      writeFileSync(emptyArray, '[]\n')
      writeFileSync(emptyLines, '')
      writeFileSync(onlyRound, '{"type":"batch","cluster":"c","era":1,"root":"0x0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8","records":[]}\n')
      const cases: Array<[string[], RegExp]> = [
        [[emptyArray], /empty-array\.json: nothing was checked: the trail holds no activity record/],
        [[emptyLines], /empty\.jsonl: nothing was checked: the trail holds no activity record/],
        [[emptyLines, emptyArray], /nothing was checked: the trail holds no activity record \(the 2 files are empty/],
        [[onlyRound], /nothing was checked: the trail holds no activity record \(the file is empty or holds only batches and rounds\)/],
        [[f('trail.jsonl'), '--agent', `ed25519:${'ab'.repeat(32)}`], /nothing was checked: none of the trail's 6 record\(s\) is of agent 0xabab/],
        [[f('trail.jsonl'), '--from', '2030-01-01T00:00:00Z', '--to', '2030-02-01T00:00:00Z'], /none of the trail's 6 record\(s\) is timed from 2030-01-01T00:00:00.000Z to 2030-02-01T00:00:00.000Z/],
        [[f('trail.jsonl'), '--from', '2026-08-01T00:00:00Z', '--to', '2026-07-01T00:00:00Z'], /--from 2026-08-01T00:00:00.000Z is after --to 2026-07-01T00:00:00.000Z/],
      ]
      const results = await Promise.all(cases.map(([args]) => runCli(['trail', 'verify', ...args])))
      results.forEach((r, i) => {
        expect(r.code, cases[i]![0].join(' ')).toBe(2)
        expect(r.stdout, cases[i]![0].join(' ')).toBe('')
        expect(r.stderr, cases[i]![0].join(' ')).toMatch(cases[i]![1])
      })
      const json = await runCli(['trail', 'verify', emptyArray, '--json'])
      expect(json.code).toBe(2)
      expect(json.json().error).toMatchObject({ code: 'TRAIL_NOTHING_CHECKED', file: emptyArray })
      // a selection that keeps a record still verifies
      const some = await runCli(['trail', 'verify', f('trail.jsonl'), '--from', '2026-01-01T00:00:00Z', '--to', '2027-01-01T00:00:00Z', '--json'])
      expect(some.code).toBe(0)
      expect(some.json()).toMatchObject({ records: 6, ok: true })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('exits 2 naming the file, item and field or byte offset for malformed input', async () => {
    const cases: Array<[string, RegExp]> = [
      ['cases/truncated.pb', /truncated\.pb \(byte \d+\): field 1 declares \d+ bytes but the file ends after \d+ \(truncated\)/],
      ['cases/garbage.pb', /garbage\.pb \(byte 7\): invalid field number 0/],
      ['cases/trail-bad-base64.jsonl', /trail-bad-base64\.jsonl at line 2 \$\.payload: expected base64 text/],
      ['cases/trail-bad-hex.jsonl', /trail-bad-hex\.jsonl at line 2 \$\.signatures\[0\]\.value: expected hex bytes/],
      ['cases/trail-payload-not-json.jsonl', /at line 1 \$\.payload: SCP record payload \(base64url-decoded\) is not UTF-8 JSON/],
      ['cases/trail-wrong-network.jsonl', /at line 1 \$\.signatures\[1\]\.signer: SS58 address of network prefix 0, expected Cere's prefix 54/],
      ['cases/trail-not-json.jsonl', /trail-not-json\.jsonl: line 2: not valid JSON/],
    ]
    const runs = cases.map(([file], i) => runCli(['trail', 'verify', f(file), ...NOW, '--workers', i < 2 || i === 3 ? '2' : '0']))
    const results = await Promise.all(runs)
    results.forEach((r, i) => {
      const [file, message] = cases[i]!
      expect(r.code, file).toBe(2)
      expect(r.stderr, file).toMatch(message)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    })
    const json = await runCli(['trail', 'verify', f('cases/truncated.pb'), '--json'])
    expect(json.json().error).toMatchObject({ code: 'PROTOBUF_MALFORMED', file: f('cases/truncated.pb') })
    expect(json.json().error.offset).toBeTypeOf('number')
    const bad = await runCli(['trail', 'verify', f('trail.jsonl'), '--keys', f('grants/calendar.json')])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/calendar\.json at \$\.agents: keys file/)
    const missing = await runCli(['trail', 'verify', 'does-not-exist.pb'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toBe('error: does-not-exist.pb: cannot read the file: no such file or folder\n')
  })
})
