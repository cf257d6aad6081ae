import { join } from 'node:path'
import { SCENARIO } from '../../fixtures/scripts/scenario.ts'
import { runCli } from './cli.ts'

export type CertifyPaths = { config?: string; grants?: string; trail?: string }

/**
 * Runs `ccp-bridge certify --json` on a scenario written to `dir` (fixtures/scripts/scenario.ts), overriding some inputs.
 * @example const r = await certifyScenario(dir, deployed, join(dir, 'cert.json'), { grants: revokedDir })
 */
export function certifyScenario(dir: string, deployed: { registry: string; staking: string }, out: string, extra: CertifyPaths = {}) {
  return runCli([
    'certify', '--grants', extra.grants ?? join(dir, 'grants'), '--trail', extra.trail ?? join(dir, 'trail.json'), '--keys', join(dir, 'keys.json'),
    '--config', extra.config ?? join(dir, 'config.yaml'), '--auditor-key', join(dir, 'auditor.key'), '--registry', deployed.registry, '--staking', deployed.staking,
    '--store', join(dir, 'store'), '--now', SCENARIO.now, '--out', out, '--json',
  ])
}
