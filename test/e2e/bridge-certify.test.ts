import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildScenario, SCENARIO, writeScenario } from '../../fixtures/scripts/scenario.ts'
import { runCli } from '../support/cli.ts'
import { certifyScenario, type CertifyPaths } from '../support/certify-cli.ts'

// certify is offline (the registry address only binds the auditor's EIP-712 signature), so these run without a chain.
const deployed = { registry: '0x5FbDB2315678afecb367f032d93F642f64180aa3', staking: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512' }
const scenario = buildScenario()
let dir: string
const store = () => join(dir, 'store')

function configFor(index: number, certificateClass = 'C2'): string {
  const text = readFileSync(join(dir, 'config.yaml'), 'utf8').replace('certificate_class: C2', `certificate_class: ${certificateClass}`)
  const file = join(dir, `config-${index}-${certificateClass}.yaml`)
  writeFileSync(file, text)
  return file
}

function certifyTo(out: string, extra: CertifyPaths = {}) {
  return certifyScenario(dir, deployed, out, extra)
}

function variant(name: string, options: Parameters<typeof buildScenario>[0]): string {
  const folder = join(dir, 'variants', name)
  writeScenario(folder, buildScenario(options))
  return folder
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccp-e2e-certify-'))
  writeScenario(dir, scenario)
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('ccp-bridge certify refusals and bad input through the CLI', () => {
  it('refuses to certify without an active grant', async () => {
    const r = await certifyTo(join(dir, 'no.json'), { grants: join(dir, 'revoked') })
    expect(r.code).toBe(1)
    expect(r.json().refusals.map((x: { code: string }) => x.code)).toContain('NO_ACTIVE_GRANT')
  })

  it('refuses to certify a trail with a record failing verification', async () => {
    const folder = variant('tampered', { tamperFirstRecord: true })
    const r = await certifyTo(join(dir, 'no.json'), { trail: join(folder, 'trail.json') })
    expect(r.code).toBe(1)
    const refusals = r.json().refusals as Array<{ code: string; message: string }>
    expect(refusals.some((x) => x.code === 'TRAIL_VERIFICATION_FAILED' && x.message.includes('dac-0192830001'))).toBe(true)
  })

  it('refuses to certify a record outside the consent', async () => {
    const folder = variant('scope', { lastRecordScope: `${SCENARIO.vaultId} / email` })
    const r = await certifyTo(join(dir, 'no.json'), { trail: join(folder, 'trail.json') })
    expect(r.code).toBe(1)
    expect(r.json().refusals.some((x: { code: string; message: string }) => x.code === 'RECORD_OUTSIDE_CONSENT' && x.message.includes('email'))).toBe(true)
  })

  it('refuses a class the rules do not support, naming each real cause', async () => {
    const r = await certifyTo(join(dir, 'no.json'), { config: configFor(2, 'C3') })
    expect(r.code).toBe(1)
    expect(r.json().refusals.map((x: { code: string }) => x.code)).toEqual(['RESERVE_RATIO_BELOW_CLASS_MIN', 'COMPOSITION_ANALYSIS_REQUIRED'])
  })

  it('issue 12 defect 17: a zero stake is refused as a stake problem, not as a class problem', async () => {
    const zero = join(dir, 'config-zero-stake.yaml')
    writeFileSync(zero, readFileSync(join(dir, 'config.yaml'), 'utf8').replace(/stake_amount: "\d+"/, 'stake_amount: "0"'))
    const r = await certifyTo(join(dir, 'no.json'), { config: zero })
    expect(r.code).toBe(1)
    expect(r.json().refusals).toEqual([{ code: 'ATTESTATION_NOT_STAKED', message: expect.stringContaining("the attestation's stake_amount is 0: class C2 needs a staked attestation") }])
    const human = await runCli(['certify', '--grants', join(dir, 'grants'), '--trail', join(dir, 'trail.json'), '--keys', join(dir, 'keys.json'), '--config', zero, '--auditor-key', join(dir, 'auditor.key'), '--registry', deployed.registry, '--staking', deployed.staking, '--store', join(dir, 'store'), '--now', SCENARIO.now, '--out', join(dir, 'no.json')])
    expect(human.stdout).toContain('refused: the agent cannot be certified (1 reason)')
    expect(human.stdout).toContain('[ATTESTATION_NOT_STAKED]')
    expect(human.stdout).not.toMatch(/CLASS_NOT_SUPPORTED|reserve ratio/)
  })

  it('bad input exits 2 with a message naming the problem; an unreachable chain exits 2', async () => {
    const missing = await runCli(['certify', '--grants', join(dir, 'grants'), '--trail', join(dir, 'trail.json'), '--keys', join(dir, 'keys.json'), '--config', join(dir, 'nope.yaml'), '--auditor-key', join(dir, 'auditor.key'), '--registry', deployed.registry])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('nope.yaml')
    const badConfig = join(dir, 'bad-config.yaml')
    writeFileSync(badConfig, readFileSync(join(dir, 'config.yaml'), 'utf8').replace('chain_id: 31337', 'chain_id: "x"'))
    const bad = await runCli(['certify', '--grants', join(dir, 'grants'), '--trail', join(dir, 'trail.json'), '--keys', join(dir, 'keys.json'), '--config', badConfig, '--auditor-key', join(dir, 'auditor.key'), '--registry', deployed.registry, '--json'])
    expect(bad.code).toBe(2)
    expect(bad.json().error).toMatchObject({ code: 'INPUT_SCHEMA', path: '$.identity.chain_id' })
    const down = await runCli(['verify-agent', scenario.evm.agent.address, '--rpc', 'http://127.0.0.1:1', '--registry', deployed.registry, '--json'])
    expect(down.code).toBe(2)
    expect(down.json().error.code).toBe('RPC_UNREACHABLE')
  })
})
