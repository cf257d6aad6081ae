import { describe, expect, it } from 'vitest'
import { isProcessAlive } from '../../adapters/evm/anvil.ts'
import { runCli } from '../support/cli.ts'

describe('ccp-bridge demo (npm start)', () => {
  it('runs the whole story, prints each step with hashes and addresses, and leaves nothing running', async () => {
    const r = await runCli(['demo'], { timeoutMs: 60_000 })
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toMatch(/CCPRegistry 0x[0-9a-fA-F]{40}/)
    expect(r.stdout).toMatch(/C2 certificate 0x[0-9a-f]{64}/)
    expect(r.stdout).toMatch(/stored ipfs:\/\/bafkrei[a-z2-7]+/)
    expect(r.stdout).toContain('decision ACCEPT')
    expect(r.stdout).toMatch(/watcher REVOKED 0x[0-9a-f]{64} \(tx 0x[0-9a-f]{64}\)/)
    expect(r.stdout).toContain('verify-agent now: REJECT')
    const pid = Number(/pid (\d+)/.exec(r.stdout)?.[1])
    expect(pid).toBeGreaterThan(0)
    expect(isProcessAlive(pid)).toBe(false)
  })
})
