import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { certificateHash, certificateUri } from '../../src/certificate/hash.ts'
import { runCli, type CliResult } from '../support/cli.ts'

const fixture = (name: string) => `fixtures/certificates/${name}`
const now = ['--now', '2026-04-15T00:00:00Z']
const work = mkdtempSync(join(tmpdir(), 'ccp-cert-cli-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** Writes a file into the temp folder and returns its path. */
function temp(name: string, text: string | Uint8Array): string {
  const file = join(work, name)
  writeFileSync(file, text)
  return file
}

function noStack(result: CliResult): void {
  expect(result.stderr + result.stdout).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/)
  expect(result.stderr + result.stdout).not.toMatch(/TypeError|ReferenceError|SyntaxError: /)
}

describe('ccp-bridge cert validate', () => {
  it('exits 0 for the valid C1, C2 and C3 fixtures, with exactly { valid, status, errors, derived }', async () => {
    const results = await Promise.all(['c1', 'c2', 'c3'].map((c) => runCli(['cert', 'validate', fixture(`valid-${c}.json`), '--chain-id', '31337', ...now, '--json'])))
    results.forEach((r, i) => {
      expect(r.code).toBe(0)
      const out = r.json()
      expect(Object.keys(out)).toEqual(['valid', 'status', 'errors', 'derived'])
      expect(out).toMatchObject({ valid: true, status: 'ACTIVE', errors: [], derived: { certificate_class: `C${i + 1}` } })
    })
  })

  it('exits 1 for the seed 003 example and lists what it breaks', async () => {
    const r = await runCli(['cert', 'validate', fixture('seed-003-example.json'), '--chain-id', '296', ...now, '--json'])
    expect(r.code).toBe(1)
    const out = r.json()
    expect(out.valid).toBe(false)
    expect(out.status).toBe('ACTIVE')
    expect(out.errors.map((e: any) => e.code)).toEqual(['SCHEMA', 'EXPIRY_EXCEEDS_CLASS_MAX', 'CLASS_NOT_SUPPORTED_BY_RULES'])
    expect(out.derived).toEqual({ containment_bound: '50000', containment_bound_denomination: 'USDC', agent_independent_layer_count: 3, agent_influenceable_layer_count: 0, certificate_class: 'C1' })
  })

  it('prints a readable report: one ✓/✗ line per rule group, each violation with code, path and message', async () => {
    const r = await runCli(['cert', 'validate', fixture('seed-003-example.json'), ...now])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('fixtures/certificates/seed-003-example.json: INVALID (3 violations); status ACTIVE at 2026-04-15T00:00:00.000Z')
    expect(r.stdout).toMatch(/✗ validity\n\s+EXPIRY_EXCEEDS_CLASS_MAX\s+\$\.validity\.expires_at\s+valid for 61 days, class C2 allows at most 60/)
    expect(r.stdout).toContain('✓ reserve')
    expect(r.stdout).toContain('derived: containment bound 50000 USDC; 3 agent-independent, 0 agent-influenceable layers; class C1')
  })

  it('--now decides the status; without it the real clock does (the seed example has expired by now)', async () => {
    const [before, after, real] = await Promise.all([
      runCli(['cert', 'validate', fixture('valid-c2.json'), '--now', '2026-03-01T00:00:00Z', '--json']),
      runCli(['cert', 'validate', fixture('valid-c2.json'), '--now', '2026-07-01T00:00:00Z', '--json']),
      runCli(['cert', 'validate', fixture('valid-c2.json'), '--json']),
    ])
    expect([before.code, after.code]).toEqual([0, 0])
    expect(before.json().status).toBe('NOT_YET_VALID')
    expect(after.json().status).toBe('EXPIRED')
    const expected = Date.now() >= Date.parse('2026-05-31T00:00:00Z') ? 'EXPIRED' : Date.now() < Date.parse('2026-04-01T00:00:00Z') ? 'NOT_YET_VALID' : 'ACTIVE'
    expect(real.json().status).toBe(expected)
  })

  it('exits 1 for a broken rule, and a wrong --chain-id is a broken rule', async () => {
    const [rule, chain] = await Promise.all([
      runCli(['cert', 'validate', fixture('rules/reserve-not-exogenous.json'), '--json']),
      runCli(['cert', 'validate', fixture('valid-c2.json'), '--chain-id', '1', '--json']),
    ])
    expect(rule.code).toBe(1)
    expect(rule.json().errors).toEqual([{ code: 'RESERVE_NOT_EXOGENOUS', path: '$.reserve.exogenous', message: expect.any(String) }])
    expect(chain.code).toBe(1)
    expect(chain.json().errors.map((e: any) => e.code)).toEqual(['CHAIN_ID_MISMATCH'])
  })
})

describe('bad input: a clear message, exit 2, no stack trace', () => {
  const valid = JSON.parse(readFileSync(fixture('valid-c2.json'), 'utf8'))
  const cases: [string, string | Uint8Array, RegExp][] = [
    ['empty.json', '', /empty\.json: file is empty, expected JSON/],
    ['not-json.json', '{\n  "version": "0.2.0",\n  oops\n}', /not-json\.json: not valid JSON \(line 3, column 3\)/],
    ['binary.json', new Uint8Array([0xff, 0xfe, 0x00, 0x7b]), /binary\.json \(byte 0\): file is not UTF-8 text/],
  ]
  for (const [name, text, message] of cases) {
    it(`${name}`, async () => {
      const file = temp(name, text)
      const r = await runCli(['cert', 'validate', file])
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(message)
      noStack(r)
    })
  }

  it('a missing file', async () => {
    const r = await runCli(['cert', 'validate', join(work, 'nope.json'), '--json'])
    expect(r.code).toBe(2)
    expect(r.json().error).toMatchObject({ code: 'INPUT_UNREADABLE', message: expect.stringContaining('no such file') })
  })

  const documents: [string, string, string, RegExp][] = [
    ['array.json', '[]', '$', /expected a certificate as a JSON object, got an array/],
    ['huge-integer.json', JSON.stringify(valid).replace('"chain_id":31337', '"chain_id":123456789012345678901234567890'), '$.identity.chain_id', /Too big: expected int to be <=9007199254740991/],
    ['huge-number.json', JSON.stringify(valid).replace('"reserve_ratio":3', '"reserve_ratio":1e400'), '$.reserve.reserve_ratio', /expected number, received Infinity/],
    ['wrong-type.json', JSON.stringify(valid).replace('"chain_id":31337', '"chain_id":"31337"'), '$.identity.chain_id', /expected number, received string/],
    ['amount-number.json', JSON.stringify(valid).replace('"amount":"150000"', '"amount":150000'), '$.reserve.amount', /decimal string/],
  ]
  for (const [name, text, path, message] of documents) {
    it(`${name}: SCHEMA at ${path}`, async () => {
      const file = temp(name, text)
      const json = await runCli(['cert', 'validate', file, '--json'])
      expect(json.code).toBe(2)
      const out = json.json()
      expect(out).toMatchObject({ valid: false, status: null, derived: null })
      expect(out.errors).toEqual([{ code: 'SCHEMA', path, message: expect.stringMatching(message) }])
      noStack(json)
    })
  }

  it('the readable report of a document that cannot be checked names the file, the path and the groups not checked', async () => {
    const file = temp('wrong-type-readable.json', JSON.stringify(valid).replace('"chain_id":31337', '"chain_id":"31337"'))
    const readable = await runCli(['cert', 'validate', file])
    expect(readable.code).toBe(2)
    expect(readable.stdout).toContain(`${file}: CANNOT CHECK (1 violation of the schema)`)
    expect(readable.stdout).toContain('SCHEMA  $.identity.chain_id  expected number, received string')
    expect(readable.stdout).toContain('- identity: not checked (fix the schema errors first)')
    noStack(readable)
  })

  it('bad options: --now, --chain-id, an unknown subcommand or flag', async () => {
    const results = await Promise.all([
      runCli(['cert', 'validate', fixture('valid-c2.json'), '--now', 'yesterday']),
      runCli(['cert', 'validate', fixture('valid-c2.json'), '--chain-id', 'mainnet']),
      runCli(['cert', 'check', fixture('valid-c2.json')]),
      runCli(['cert', 'validate', fixture('valid-c2.json'), '--strict']),
      runCli(['cert', 'validate']),
    ])
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2, 2])
    expect(results[0]!.stderr).toMatch(/--now expects an ISO 8601 date-time with a time zone, such as 2026-04-15T00:00:00Z, got "yesterday"/)
    expect(results[1]!.stderr).toMatch(/--chain-id expects a whole number from 1 to 9007199254740991 \(decimal digits only\), got "mainnet"/)
    expect(results[2]!.stderr).toMatch(/unknown cert command "check"/)
    expect(results[3]!.stderr).toMatch(/Unknown option '--strict'/)
    expect(results[4]!.stderr).toMatch(/missing the certificate file/)
    results.forEach(noStack)
  })
})

describe('ccp-bridge cert derive', () => {
  it('prints the derived metrics', async () => {
    const r = await runCli(['cert', 'derive', fixture('valid-c3.json'), '--json'])
    expect(r.code).toBe(0)
    expect(r.json()).toEqual({ containment_bound: '20000', containment_bound_denomination: 'USDC', agent_independent_layer_count: 4, agent_influenceable_layer_count: 0, certificate_class: 'C3' })
  })

  it('--write puts them into the file atomically, keeping 2-space JSON; the certificate then validates', async () => {
    const cert = JSON.parse(readFileSync(fixture('valid-c2.json'), 'utf8'))
    cert.derived_metrics = { containment_bound: '1', containment_bound_denomination: 'X', agent_independent_layer_count: 0, agent_influenceable_layer_count: 0, certificate_class: 'C2' }
    const file = temp('to-derive.json', `${JSON.stringify(cert, null, 2)}\n`)
    const before = await runCli(['cert', 'validate', file, ...now, '--json'])
    expect(before.code).toBe(1)
    const r = await runCli(['cert', 'derive', file, '--write'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`wrote derived_metrics into ${file}`)
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(fixture('valid-c2.json'), 'utf8'))
    expect(readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([])
    const after = await runCli(['cert', 'validate', file, ...now, '--json'])
    expect(after.code).toBe(0)
  })

  it('--write refuses, leaving the file untouched, when there is no containment bound (exit 1) or the file is not a certificate (exit 2)', async () => {
    const cert = JSON.parse(readFileSync(fixture('valid-c2.json'), 'utf8'))
    cert.constraints[0].agent_independent = false
    const text = `${JSON.stringify(cert, null, 2)}\n`
    const file = temp('unbounded.json', text)
    const broken = temp('broken.json', '{"version": 1}')
    const [r, bad] = await Promise.all([runCli(['cert', 'derive', file, '--write']), runCli(['cert', 'derive', broken, '--write'])])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/unbounded\.json at \$\.constraints: cannot write derived_metrics: no agent-independent SPENDING_LIMIT/)
    expect(readFileSync(file, 'utf8')).toBe(text)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/broken\.json at \$\.version: not a CCP v0\.2\.0 certificate: 10 schema errors/)
    expect(readFileSync(broken, 'utf8')).toBe('{"version": 1}')
    noStack(bad)
  })
})

describe('ccp-bridge cert hash', () => {
  it('prints { certHash, uri }: the hash of the body, the URI of the exact bytes', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('valid-c2.json')))
    const cert = JSON.parse(Buffer.from(bytes).toString('utf8'))
    const compact = temp('compact.json', JSON.stringify(cert))
    const [r, c] = await Promise.all([runCli(['cert', 'hash', fixture('valid-c2.json'), '--json']), runCli(['cert', 'hash', compact, '--json'])])
    expect(r.code).toBe(0)
    expect(r.json()).toEqual({ certHash: certificateHash(cert), uri: certificateUri(bytes) })
    expect(c.json().certHash).toBe(r.json().certHash)
    expect(c.json().uri).not.toBe(r.json().uri)
  })

  it('readable output, and exit 2 for a document that is not a certificate', async () => {
    const [r, bad] = await Promise.all([runCli(['cert', 'hash', fixture('seed-003-example.json')]), runCli(['cert', 'hash', temp('arr.json', '[1]')])])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^certHash  0x[0-9a-f]{64}\nuri       ipfs:\/\/bafkrei[a-z2-7]{52}\n$/)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/expected a certificate as a JSON object, got an array/)
  })
})
