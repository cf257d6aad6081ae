import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectDir } from '../../support/cli.ts'

/** forge from npm `@foundry-rs/forge-linux-amd64`; it compiles with solc-js through adapters/evm/solc-forge.mjs (foundry.toml). */
const forge = join(dirname(createRequire(import.meta.url).resolve('@foundry-rs/forge-linux-amd64/package.json')), 'bin', 'forge')

type ForgeResults = Record<string, { test_results: Record<string, { status: string; reason: string | null; kind: Record<string, { runs?: number; calls?: number; gas?: number }> }> }>

function runForge(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(forge, ['test', '--json', '--offline'], { cwd: projectDir, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code: code ?? -1, stdout, stderr })
    })
  })
}

describe('Solidity unit, fuzz and invariant tests (forge, offline, solc-js)', () => {
  it('every forge test passes: publish rules and attacks, the C2 timeline, challenges, wallets, re-entrancy, fuzz, invariants', async () => {
    const { code, stdout, stderr } = await runForge()
    const json = stdout.slice(stdout.indexOf('{'))
    expect(json.length, `forge printed no JSON (exit ${code}): ${stderr.slice(-2000)}`).toBeGreaterThan(0)
    const results = JSON.parse(json) as ForgeResults
    const failures = Object.entries(results).flatMap(([suite, { test_results }]) =>
      Object.entries(test_results).filter(([, r]) => r.status !== 'Success').map(([name, r]) => `${suite} ${name}: ${r.reason}`),
    )
    expect(failures).toEqual([])
    expect(code).toBe(0)
    const count = (suffix: string) => Object.keys(Object.entries(results).find(([suite]) => suite.endsWith(suffix))?.[1].test_results ?? {}).length
    expect(count(':PublishTest')).toBeGreaterThanOrEqual(15)
    expect(count(':LifecycleTest')).toBeGreaterThanOrEqual(10)
    expect(count(':ChallengesTest')).toBeGreaterThanOrEqual(15)
    expect(count(':WalletsTest')).toBe(2)
    expect(count(':ReentrancyTest')).toBe(6)
    const fuzz = Object.values(results).flatMap((s) => Object.values(s.test_results)).flatMap((r) => (r.kind.Fuzz ? [r.kind.Fuzz] : []))
    expect(fuzz.length).toBeGreaterThanOrEqual(5)
    for (const f of fuzz) expect(f.runs).toBeGreaterThanOrEqual(256)
    const invariantRuns = Object.entries(results)
      .filter(([suite]) => suite.endsWith(':InvariantsTest'))
      .flatMap(([, s]) => Object.entries(s.test_results))
    expect(invariantRuns.map(([name]) => name).sort()).toEqual([
      'invariant_balancesEqualWhatIsOwed()',
      'invariant_currentCertificateIsOwnActiveOrChallenged()',
      'invariant_revokedAndExpiredAreFinal()',
    ])
    for (const [, r] of invariantRuns) expect(r.kind.Invariant?.calls).toBeGreaterThanOrEqual(2000)
  }, 180_000)
})
