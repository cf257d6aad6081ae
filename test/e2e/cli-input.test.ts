/**
 * Input handling of the whole CLI (issue 12, defects 4, 5, 10, 11, 12, 13, 15 and two parts of 19): strict JSON
 * everywhere, bounded reads, declared positionals, strict option formats, terminal-safe output, errors with a file
 * or path in words, output files written through symbolic links.
 */
import { execFileSync } from 'node:child_process'
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bytesToBase64Url, bytesToHex, utf8 } from '../../src/crypto/bytes.ts'
import { ed25519FromSeed } from '../../src/crypto/ed25519.ts'
import { runCli, type CliResult } from '../support/cli.ts'

const fixture = (path: string) => new URL(`../../fixtures/${path}`, import.meta.url).pathname
const scenario = (name: string) => fixture(`scenario/${name}`)
const settlement = (name: string) => fixture(`settlement/balanced/${name}`)
const REGISTRY = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const STAKING = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512'
const NOW = '2026-07-15T00:00:00Z'

let dir: string
const at = (name: string) => join(dir, name)
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccp-cli-input-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const user = ed25519FromSeed(new Uint8Array(32).fill(31))
const agent = ed25519FromSeed(new Uint8Array(32).fill(32))
const payloadMembers = (revoked: string, scope = 'calendar') =>
  `"agent_service_pub_key":"ed25519:${bytesToHex(agent.publicKey).slice(2)}","user_pub_key":"ed25519:${bytesToHex(user.publicKey).slice(2)}","created_at":"2026-06-10T08:14:02Z","expires_at":"2026-09-10T08:14:02Z",${revoked},"metadata":{"scopes":[{"context":{"vaultId":"v-7c21","scopeId":${JSON.stringify(scope)}}}]}`

/** A GAR envelope signed (correctly) over the exact payload text given. */
function envelope(payloadText: string): string {
  const bytes = utf8.encode(payloadText)
  return JSON.stringify({ payload: bytesToBase64Url(bytes), signature: { algorithm: 'ed25519', signer: bytesToHex(user.publicKey), value: bytesToHex(user.sign(bytes)) } })
}

/** The expanded form (seed 000) signed over the object text without its signature member. */
function expanded(objectBody: string): string {
  const signed = `{${objectBody}}`
  const signature = { algorithm: 'ed25519', signer: bytesToHex(user.publicKey), value: bytesToHex(user.sign(utf8.encode(signed))) }
  return `{${objectBody},"signature":${JSON.stringify(signature)}}`
}

const errorOf = (r: CliResult) => (r.json() as { error: Record<string, unknown> }).error

describe('defect 4: a key twice in any JSON input is refused with its path (last-one-wins would read it one way, others another)', () => {
  it('a grant signed as {"revoked":true,"revoked":false}, in the envelope payload or the expanded form, is refused (it verified as active)', async () => {
    writeFileSync(at('dup-envelope.json'), envelope(`{${payloadMembers('"revoked":true,"revoked":false')}}`))
    writeFileSync(at('dup-expanded.json'), `${expanded(payloadMembers('"revoked":true,\n"revoked":false'))}\n`)
    writeFileSync(at('ok-envelope.json'), envelope(`{${payloadMembers('"revoked":false')}}`))
    const verify = (f: string) => runCli(['grant', 'verify', at(f), '--now', NOW, '--json'])
    const [env, exp, ok] = await Promise.all([verify('dup-envelope.json'), verify('dup-expanded.json'), verify('ok-envelope.json')])
    expect(ok.code).toBe(0) // the same grant without the duplicate verifies
    expect(env.code).toBe(2)
    expect(errorOf(env)).toMatchObject({ code: 'JSON_DUPLICATE_KEY', file: at('dup-envelope.json'), path: '$.payload(decoded).revoked' })
    expect(exp.code).toBe(2)
    expect(errorOf(exp)).toMatchObject({ code: 'JSON_DUPLICATE_KEY', file: at('dup-expanded.json'), path: '$.revoked', line: 2 })
  })

  it('certificates, events, trail JSON Lines, keys files and YAML configs: exit 2 naming the file, line and path', async () => {
    const cert = readFileSync(fixture('certificates/valid-c2.json'), 'utf8').replace('"chain_id": 31337', '"chain_id": 1, "chain_id": 31337')
    writeFileSync(at('dup-cert.json'), cert)
    const events = readFileSync(settlement('events.jsonl'), 'utf8').split('\n')
    events[12] = events[12]!.replace('"amount":', '"amount":"1","amount":')
    writeFileSync(at('dup-events.jsonl'), events.join('\n'))
    const trail = readFileSync(fixture('evidence/trail.jsonl'), 'utf8').split('\n')
    trail[1] = trail[1]!.replace('{"payload":', '{"signatures":[],"payload":')
    writeFileSync(at('dup-trail.jsonl'), trail.join('\n'))
    writeFileSync(at('dup-keys.json'), readFileSync(fixture('evidence/keys.json'), 'utf8').replace('{', '{"agents":{},'))
    writeFileSync(at('dup-config.yaml'), readFileSync(scenario('config.yaml'), 'utf8').replace('certificate_class:', 'certificate_class: C1\ncertificate_class:'))
    const [c, e, t, k, y] = await Promise.all([
      runCli(['cert', 'validate', at('dup-cert.json'), '--json']),
      runCli(['reconcile', '--events', at('dup-events.jsonl'), '--params', settlement('params.json'), '--usage', settlement('usage.json'), '--json']),
      runCli(['trail', 'verify', at('dup-trail.jsonl'), '--json']),
      runCli(['trail', 'verify', fixture('evidence/trail.jsonl'), '--keys', at('dup-keys.json'), '--json']),
      runCli(['certify', '--grants', scenario('grants'), '--trail', scenario('trail.json'), '--keys', scenario('keys.json'), '--config', at('dup-config.yaml'), '--auditor-key', scenario('auditor.key'), '--registry', REGISTRY, '--json']),
    ])
    expect([c.code, e.code, t.code, k.code, y.code]).toEqual([2, 2, 2, 2, 2])
    expect(errorOf(c)).toMatchObject({ code: 'JSON_DUPLICATE_KEY', file: at('dup-cert.json'), path: '$.identity.chain_id' })
    expect(errorOf(e)).toMatchObject({ code: 'JSON_DUPLICATE_KEY', file: at('dup-events.jsonl'), line: 13, path: '$.data.amount' })
    expect(errorOf(e).message).toMatch(/^line 13: duplicate key "amount"/)
    expect(errorOf(t)).toMatchObject({ code: 'JSON_DUPLICATE_KEY', file: at('dup-trail.jsonl'), line: 2, path: '$.signatures' })
    expect(errorOf(k)).toMatchObject({ code: 'JSON_DUPLICATE_KEY', file: at('dup-keys.json'), path: '$.agents' })
    expect(errorOf(y)).toMatchObject({ code: 'YAML_DUPLICATE_KEY', file: at('dup-config.yaml'), path: '$.certificate_class' })
  })
})

describe('defect 5: unbounded reads are refused (/dev/zero made `grant verify` grow to 13 GB)', () => {
  it('devices, FIFOs and folders where a file is expected, and files over their limit, exit 2 at once with the file named', async () => {
    execFileSync('mkfifo', [at('fifo.json')])
    writeFileSync(at('big-cert.json'), '{')
    truncateSync(at('big-cert.json'), 4 * 1024 * 1024 + 1)
    writeFileSync(at('long-line.jsonl'), '')
    truncateSync(at('long-line.jsonl'), 17 * 1024 * 1024) // one 17 MiB line of zero bytes, no newline
    const started = Date.now()
    const runs = await Promise.all([
      runCli(['grant', 'verify', '/dev/zero']),
      runCli(['cert', 'validate', '/dev/zero']),
      runCli(['cert', 'hash', at('fifo.json')]),
      runCli(['cert', 'validate', dir]),
      runCli(['cert', 'validate', at('big-cert.json')]),
      runCli(['trail', 'verify', at('long-line.jsonl')]),
      runCli(['reconcile', '--events', '/dev/zero', '--params', settlement('params.json'), '--usage', settlement('usage.json')]),
    ])
    expect(Date.now() - started).toBeLessThan(45_000)
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2, 2])
    expect(runs[0]!.stderr).toBe('error: /dev/zero: expected a regular file, got a character device (such as /dev/zero)\n')
    expect(runs[1]!.stderr).toBe('error: /dev/zero: expected a regular file, got a character device (such as /dev/zero)\n')
    expect(runs[2]!.stderr).toBe(`error: ${at('fifo.json')}: expected a regular file, got a FIFO (named pipe)\n`)
    expect(runs[3]!.stderr).toBe(`error: ${dir}: expected a regular file, got a folder\n`)
    expect(runs[4]!.stderr).toBe(`error: ${at('big-cert.json')}: larger than 4 MiB, the limit for a certificate\n`)
    expect(runs[5]!.stderr).toBe(`error: ${at('long-line.jsonl')}: line 1 is larger than 16 MiB, the limit for one line of a JSON Lines trail file\n`)
    expect(runs[6]!.stderr).toContain('/dev/zero: expected a regular file')
  })
})

describe('defect 10: extra positional arguments are refused, never ignored', () => {
  it('every command declares what it takes', async () => {
    const a = fixture('certificates/valid-c2.json')
    const cases: Array<[string[], RegExp]> = [
      [['cert', 'validate', a, a], /^error: ccp-bridge cert validate: unexpected argument ".*valid-c2\.json"; it takes <file>/],
      [['cert', 'hash', a, 'b.json'], /cert hash: unexpected argument "b\.json"; it takes <file>/],
      [['cert', 'derive', a, 'b.json'], /cert derive: unexpected argument "b\.json"/],
      [['grant', 'verify', scenario('grants'), 'x.json'], /grant verify: unexpected argument "x\.json"; it takes <file>/],
      [['publish', a, 'extra', '--rpc', 'http://127.0.0.1:9'], /ccp-bridge publish: unexpected argument "extra"; it takes <cert\.json>/],
      [['revoke', `0x${'ab'.repeat(32)}`, 'extra'], /ccp-bridge revoke: unexpected argument "extra"; it takes <certHash>/],
      [['verify-agent', REGISTRY, 'extra'], /ccp-bridge verify-agent: unexpected argument "extra"; it takes <agent>/],
      [['registry', 'status', `0x${'ab'.repeat(32)}`, 'extra'], /ccp-bridge registry status: unexpected argument "extra"; it takes <certHash>/],
      [['watch', 'extra'], /ccp-bridge watch: unexpected argument "extra"; it takes no arguments/],
      [['certify', 'extra'], /ccp-bridge certify: unexpected argument "extra"; it takes no arguments/],
      [['devnet', 'extra'], /ccp-bridge devnet: unexpected argument "extra"; it takes no arguments/],
      [['events', 'export', 'extra'], /ccp-bridge events export: unexpected argument "extra"; it takes no arguments/],
    ]
    const runs = await Promise.all(cases.map(([args]) => runCli(args)))
    runs.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(' ')).toBe(2)
      expect(r.stderr, cases[i]![0].join(' ')).toMatch(cases[i]![1])
    })
  })
})

describe('defect 11: lone surrogates are refused the same way by every command, naming the JSON path', () => {
  it('cert validate (it said VALID), hash, derive', async () => {
    const cert = JSON.parse(readFileSync(fixture('certificates/valid-c2.json'), 'utf8'))
    cert.identity.agent_name = 'agent\ud800'
    writeFileSync(at('lone.json'), JSON.stringify(cert)) // JSON.stringify writes the escape \ud800
    const runs = await Promise.all(['validate', 'hash', 'derive'].map((sub) => runCli(['cert', sub, at('lone.json'), '--json'])))
    for (const r of runs) {
      expect(r.code).toBe(2)
      expect(errorOf(r)).toMatchObject({ code: 'JSON_LONE_SURROGATE', file: at('lone.json'), path: '$.identity.agent_name' })
    }
  })
})

describe('defect 12: control characters from inputs never reach the terminal raw', () => {
  it('a scope holding ESC sequences is printed escaped by grant verify; --json keeps it as JSON escapes', async () => {
    const scope = 'cal\x1b[2J\x1b[Hendar\nsignature  valid'
    writeFileSync(at('esc-grant.json'), envelope(`{${payloadMembers('"revoked":false', scope)}}`))
    const [human, json] = await Promise.all([runCli(['grant', 'verify', at('esc-grant.json'), '--now', NOW]), runCli(['grant', 'verify', at('esc-grant.json'), '--now', NOW, '--json'])])
    expect(human.code).toBe(0)
    expect(human.stdout).not.toContain('\x1b')
    expect(human.stdout).toContain('scopes     v-7c21 / cal\\x1b[2J\\x1b[Hendar\\nsignature  valid\n')
    expect(json.json().scopes).toEqual([{ vaultId: 'v-7c21', scopeId: scope }])
  })

  it('an error message quoting an input shows its control characters escaped', async () => {
    const r = await runCli(['cert', 'validate', `bad\x1b]0;owned\x07.json`])
    expect(r.code).toBe(2)
    expect(r.stderr).not.toMatch(/[\x07\x1b]/)
    expect(r.stderr).toContain('bad\\x1b]0;owned\\x07.json')
  })
})

describe('defect 13: errors name the file or path in words, never raw library text', () => {
  it('an output folder that does not exist (reconcile --html; certify --out, events export --out and cert derive --write use the same writer), a folder as output, an empty certificate for publish, a missing key file, a 91-digit stake', async () => {
    const big = readFileSync(scenario('config.yaml'), 'utf8').replace(/stake_amount: "\d+"/, `stake_amount: "${'9'.repeat(91)}"`)
    writeFileSync(at('big-stake.yaml'), big)
    writeFileSync(at('empty-cert.json'), '')
    const certify = (config: string, out: string, key = scenario('auditor.key')) =>
      runCli(['certify', '--grants', scenario('grants'), '--trail', scenario('trail.json'), '--keys', scenario('keys.json'), '--config', config, '--auditor-key', key, '--registry', REGISTRY, '--staking', STAKING, '--store', at('store'), '--now', '2026-06-15T00:00:00Z', '--out', out])
    const reconcileHtml = (html: string) => runCli(['reconcile', '--events', settlement('events.jsonl'), '--params', settlement('params.json'), '--usage', settlement('usage.json'), '--html', html])
    const [noFolder, toFolder, emptyPublish, noKey, stake] = await Promise.all([
      reconcileHtml(at('missing/report.html')),
      reconcileHtml(dir),
      runCli(['publish', at('empty-cert.json'), '--rpc', 'http://127.0.0.1:9', '--registry', REGISTRY, '--operator-key', scenario('operator.key'), '--agent-key', scenario('agent.key')]),
      certify(scenario('config.yaml'), at('c.json'), at('no-such.key')),
      certify(at('big-stake.yaml'), at('c2.json')),
    ])
    expect(noFolder.code).toBe(2)
    expect(noFolder.stderr).toBe(`error: ${at('missing/report.html')}: cannot write the file: the folder ${at('missing')} does not exist\n`)
    expect(toFolder.stderr).toBe(`error: ${dir}: cannot write the file: it is a folder, expected a file name\n`)
    expect(emptyPublish.code).toBe(2)
    expect(emptyPublish.stderr).toBe(`error: ${at('empty-cert.json')}: the certificate is empty, expected JSON\n`)
    expect(noKey.code).toBe(2)
    expect(noKey.stderr).toBe(`error: ${at('no-such.key')}: --auditor-key: cannot read the file: no such file or folder (a key is a key file, env:NAME, prompt, or 64 hex digits for throwaway dev keys)\n`)
    expect(stake.code).toBe(2)
    expect(stake.stderr).toBe(`error: ${at('big-stake.yaml')} at $.attestation.stake_amount: containment config: the stake does not fit the registry's uint256 (at most 2^256 − 1 units)\n`)
  })
})

describe('defect 15: strict option formats', () => {
  it('a 26-digit --chain-id, --now 0, --now "April 15, 2026", --genesis-time 1900-…, a 23-digit --era', async () => {
    const cert = fixture('certificates/valid-c2.json')
    const runs = await Promise.all([
      runCli(['cert', 'validate', cert, '--chain-id', '12345678901234567890123456']),
      runCli(['cert', 'validate', cert, '--now', '0']),
      runCli(['cert', 'validate', cert, '--now', 'April 15, 2026']),
      runCli(['devnet', '--genesis-time', '1900-01-01T00:00:00Z']),
      runCli(['reconcile', '--events', settlement('events.jsonl'), '--params', settlement('params.json'), '--usage', settlement('usage.json'), '--era', '12345678901234567890123']),
      runCli(['cert', 'validate', cert, '--now', '2026-05-01T02:00:00+02:00', '--chain-id', '31337', '--json']),
    ])
    expect(runs.slice(0, 5).map((r) => r.code)).toEqual([2, 2, 2, 2, 2])
    expect(runs[0]!.stderr).toBe('error: --chain-id expects a whole number from 1 to 9007199254740991, got "12345678901234567890123456"\n')
    expect(runs[1]!.stderr).toBe('error: --now expects an ISO 8601 date-time with a time zone, such as 2026-04-15T00:00:00Z, got "0"\n')
    expect(runs[2]!.stderr).toBe('error: --now expects an ISO 8601 date-time with a time zone, such as 2026-04-15T00:00:00Z, got "April 15, 2026"\n')
    expect(runs[3]!.stderr).toBe('error: --genesis-time must be at or after 1970-01-01T00:00:00Z (a chain\'s timestamps count seconds from then), got "1900-01-01T00:00:00Z"\n')
    expect(runs[4]!.stderr).toBe('error: --era expects a whole number from 0 to 4294967295, got "12345678901234567890123"\n')
    expect(runs[5]!.code).toBe(0)
    expect(runs[5]!.json().status).toBe('ACTIVE')
  })
})

describe('defect 19: cert derive --write through a symbolic link, and no huge echo in an error', () => {
  it('writes the target through the link atomically; the link stays a link', async () => {
    const cert = JSON.parse(readFileSync(fixture('certificates/valid-c2.json'), 'utf8'))
    cert.derived_metrics.containment_bound = '1'
    writeFileSync(at('target.json'), `${JSON.stringify(cert, null, 2)}\n`)
    symlinkSync(at('target.json'), at('link.json'))
    const r = await runCli(['cert', 'derive', at('link.json'), '--write'])
    expect(r.code).toBe(0)
    expect(lstatSync(at('link.json')).isSymbolicLink()).toBe(true)
    expect(JSON.parse(readFileSync(at('target.json'), 'utf8')).derived_metrics.containment_bound).toBe('50000')
  })

  it('a 50 MB string in an events file is echoed as a short excerpt, in text and in --json', async () => {
    const events = readFileSync(settlement('events.jsonl'), 'utf8').split('\n')
    events[12] = events[12]!.replace(/"amount":"\d+"/, `"amount":"${'7'.repeat(50 * 1024 * 1024)}x"`)
    writeFileSync(at('huge-amount.jsonl'), events.join('\n'))
    const args = ['reconcile', '--events', at('huge-amount.jsonl'), '--params', settlement('params.json'), '--usage', settlement('usage.json')]
    const [text, json] = await Promise.all([runCli(args), runCli([...args, '--json'])])
    expect(text.code).toBe(2)
    expect(text.stderr.length).toBeLessThan(4_000)
    expect(text.stderr).toMatch(/characters left out/)
    expect(json.code).toBe(2)
    expect(json.stdout.length).toBeLessThan(4_000)
  })
})
