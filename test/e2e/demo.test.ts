import { describe, expect, it } from 'vitest'
import { existsSync } from 'node:fs'
import { isProcessAlive } from '../../adapters/evm/anvil.ts'
import { runCli } from '../support/cli.ts'

describe('ccp-bridge demo (npm start)', { timeout: 180_000 }, () => {
  it('runs the lifecycle: fund, audit request, attest, publish, verify, a RESERVE_SHORTFALL challenge upheld, settle; leaves nothing running', async () => {
    const r = await runCli(['demo'], { timeoutMs: 150_000 })
    expect(r.code, r.stdout + r.stderr).toBe(0)
    const out = r.stdout
    expect(out).toMatch(/CCPRegistry 0x[0-9a-fA-F]{40} {3}ReserveVault 0x[0-9a-fA-F]{40} {3}FeeEscrow 0x[0-9a-fA-F]{40}/)
    expect(out).toMatch(/C2 certificate 0x[0-9a-f]{64}/)
    expect(out).toMatch(/4\. fund the reserve \(stage 2\)\n {3}operator deposits 15000 USDC in the ReserveVault \(tx 0x[0-9a-f]{64}\); the class needs 15000 USDC/)
    expect(out).toMatch(/5\. request the audit \(stage 3\)\n {3}operator escrows 500 USDC in the FeeEscrow for auditor 0x[0-9a-fA-F]{40}: request 0x[0-9a-f]{64}/)
    expect(out).toContain('stakes 1500 USDC for the certificate, accepts the fee request')
    expect(out).toMatch(/anchored tx 0x[0-9a-f]{64}: reserve 15000 USDC locked, stake 1500 USDC/)
    expect(out).toMatch(/stored ipfs:\/\/bafkrei[a-z2-7]+ after the anchor was mined/)
    expect(out).toContain('decision ACCEPT')
    expect(out).toContain('challenges (bond 100 USDC): UPHELD; certificate REVOKED')
    expect(out).toContain("auditor's stake slashed: 450 USDC to the challenger, 1050 USDC burned (no verifier judged it); fee clawed back to the operator; bond returned")
    expect(out).toContain('verify-agent now: REJECT')
    expect(out).toMatch(/10\. settle after the 14-day grace period \(stage 12\)\n {3}a keeper settles \(tx 0x[0-9a-f]{64}\): 9000 USDC reserve released to the operator; lifecycle REVOKED, settled true/)
    expect(out).toMatch(/done in \d+\.\d s; anvil stopped, temp files removed\n$/)
    const pid = Number(/pid (\d+)/.exec(out)?.[1])
    expect(pid).toBeGreaterThan(0)
    expect(isProcessAlive(pid)).toBe(false)
    const folder = /in (\/\S+ccp-bridge-demo-\w+)\)/.exec(out)?.[1]
    expect(folder && existsSync(folder)).toBe(false)
  })

  it('issue 12 defect 19: demo --json prints one JSON document with every step', async () => {
    const r = await runCli(['demo', '--json'], { timeoutMs: 150_000 })
    expect(r.code, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout)
    expect(doc).toMatchObject({ ok: true, anvilStopped: true, kept: null })
    expect(doc.steps.map((s: { title: string }) => s.title.split(' (')[0])).toEqual([
      'Local chain',
      'Scenario: cluster dragon-1, era 412',
      'certify',
      'fund the reserve',
      'request the audit',
      'attest and stake',
      'publish',
      'verify-agent as a counterparty',
      'the reserve falls short; a RESERVE_SHORTFALL challenge is judged on chain',
      'settle after the 14-day grace period',
    ])
    expect(doc.steps[7].data.decision).toBe('accept')
    expect(doc.steps[8].data).toMatchObject({ certificateStatus: 'REVOKED', decision: 'reject', challenge: { state: 'UPHELD', kind: 'RESERVE_SHORTFALL' } })
    expect(doc.steps[9].data).toMatchObject({ released: '9000000000', lifecycle: { settled: true, status: 'REVOKED' } })
    expect(isProcessAlive(doc.steps[0].data.anvilPid)).toBe(false)
  })
})
