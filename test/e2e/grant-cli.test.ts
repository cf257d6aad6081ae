import { describe, expect, it } from 'vitest'
import { runCli } from '../support/cli.ts'

const NOW = ['--now', '2026-07-15T00:00:00Z']
const f = (name: string) => `fixtures/evidence/${name}`

describe('ccp-bridge grant verify', () => {
  it('exits 0 for a signed, active envelope and prints what was checked', async () => {
    const r = await runCli(['grant', 'verify', f('grants/calendar.json'), ...NOW])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/grants\/calendar\.json: OK/)
    expect(r.stdout).toMatch(/signature +valid \(envelope form, signer 6/)
    expect(r.stdout).toMatch(/scopes +v-7c21a9 \/ calendar/)
  })

  it('--json gives signatureValid, status, signer and scopes; the expanded form verifies too', async () => {
    const r = await runCli(['grant', 'verify', f('grants/email.json'), ...NOW, '--json'])
    expect(r.code).toBe(0)
    expect(r.json()).toMatchObject({ form: 'expanded', signatureValid: true, status: 'active', scopes: [{ vaultId: 'v-7c21a9', scopeId: 'email' }] })
    expect(r.json().signer).toMatch(/^0x[0-9a-f]{64}$/)
  })

  it('verifies every grant of an agreements file and of a folder', async () => {
    const list = await runCli(['grant', 'verify', f('cases/agreements.json'), ...NOW, '--json'])
    expect(list.code).toBe(0)
    expect(list.json().grants.map((g: { path: string; status: string }) => [g.path, g.status])).toEqual([['$.agreements[0]', 'active'], ['$.agreements[1]', 'active']])
    const dir = await runCli(['grant', 'verify', f('grants'), ...NOW, '--json'])
    expect(dir.code).toBe(0)
    expect(dir.json().grants).toHaveLength(2)
  })

  it('exits 1 and says why for a grant that is checked and bad', async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['cases/grant-expired.json', { signatureValid: true, status: 'expired' }, /expired/],
      ['cases/grant-revoked.json', { signatureValid: true, status: 'revoked' }, /revoked/],
      ['cases/grant-not-yet-valid.json', { signatureValid: true, status: 'not_yet_valid' }, /not_yet_valid/],
      ['cases/grant-bad-signature.json', { signatureValid: false }, /does not verify/],
      ['cases/grant-signed-by-stranger.json', { signatureValid: false }, /user_pub_key/],
      ['cases/grant-unknown-algorithm.json', { signatureValid: false }, /unknown signature algorithm "rsa"/],
      ['cases/grant-short-signature.json', { signatureValid: false }, /32 bytes, expected 64/],
    ]
    const results = await Promise.all(cases.map(([file]) => runCli(['grant', 'verify', f(file), ...NOW, '--json'])))
    results.forEach((r, i) => {
      const [file, expected, reason] = cases[i]!
      expect(r.code, file).toBe(1)
      expect(r.json(), file).toMatchObject(expected)
      expect(r.json().reasons.join('; '), file).toMatch(reason)
    })
    const later = await runCli(['grant', 'verify', f('grants/calendar.json'), '--now', '2026-09-10T08:14:03Z'])
    expect(later.code).toBe(1)
    expect(later.stdout).toMatch(/status +expired/)
  })

  it('exits 2 naming the file and field for unreadable grants, without a stack trace', async () => {
    const cases: Array<[string, RegExp]> = [
      ['cases/grant-payload-not-json.json', /grant-payload-not-json\.json at \$\.payload\(decoded\): the grant payload \(base64url-decoded\) is not valid JSON/],
      ['cases/grant-bad-base64.json', /grant-bad-base64\.json at \$\.payload: expected base64 text/],
      ['cases/grant-wrong-network.json', /grant-wrong-network\.json at \$\.signature\.signer: SS58 address of network prefix 42, expected Cere's prefix 54/],
      ['does-not-exist.json', /does-not-exist\.json: cannot read .*no such file/],
      ['cases/garbage.pb', /not UTF-8|not valid JSON/],
    ]
    const results = await Promise.all(cases.map(([file]) => runCli(['grant', 'verify', file.startsWith('cases') ? f(file) : file, ...NOW])))
    results.forEach((r, i) => {
      const [file, message] = cases[i]!
      expect(r.code, file).toBe(2)
      expect(r.stderr, file).toMatch(message)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    })
  })
})
