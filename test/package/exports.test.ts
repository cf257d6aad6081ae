import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as contracts from '../../adapters/exports/contracts.ts'
import * as core from '../../src/index.ts'
import { projectDir } from '../support/cli.ts'

const manifest = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as {
  main: string
  types: string
  exports: Record<string, string | { types: string; default: string }>
}

describe('package.json exports', () => {
  it('every entry point has `types` first, and its compiled files come from a source entry file', () => {
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (subpath === './package.json') continue
      expect(typeof target, subpath).toBe('object')
      const { types, default: js } = target as { types: string; default: string }
      expect(Object.keys(target as object), subpath).toEqual(['types', 'default'])
      expect(types.replace(/\.d\.ts$/, '.js'), subpath).toBe(js)
      const source = js.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts')
      expect(existsSync(join(projectDir, source)), `${subpath} → ${source}`).toBe(true)
    }
    expect(manifest.exports['.']).toEqual({ types: manifest.types, default: manifest.main })
  })

  it("the README's 'Use as a library' section documents every entry point", () => {
    const docs = readFileSync(join(projectDir, 'README.md'), 'utf8')
    for (const subpath of Object.keys(manifest.exports).filter((s) => s !== './package.json')) {
      expect(docs, subpath).toContain(subpath === '.' ? '| `cere-ccp-bridge` |' : `| \`cere-ccp-bridge/${subpath.slice(2)}\` |`)
    }
  })

  it('`./contracts` exports every compiled artifact under its own name, unchanged', async () => {
    const folder = join(projectDir, 'adapters/evm/artifacts')
    const artifacts = readdirSync(folder).filter((name) => name.endsWith('.ts'))
    expect(artifacts.length).toBeGreaterThan(0)
    for (const name of artifacts) {
      const artifact = (await import(join(folder, name))) as Record<string, unknown>
      expect(Object.keys(artifact).length, name).toBeGreaterThan(0)
      for (const [key, value] of Object.entries(artifact)) expect((contracts as Record<string, unknown>)[key], `${name}: ${key}`).toBe(value)
    }
    expect(typeof contracts.deployContracts).toBe('function')
  })

  it('`.` exports the use cases, the core validators and hashing, the evidence verifiers, reconcile, errors and schemas', () => {
    const names = [
      ...['certify', 'publish', 'verifyAgent', 'revoke', 'watchOnce'],
      ...['validateCertificate', 'deriveMetrics', 'highestSupportedClass', 'certificateHash', 'certificateUri', 'certificateStatus', 'RULE_CODES'],
      ...['verifyGrant', 'decodeChallengeResponse', 'decodeActivityRecord', 'verifyDdcRecord', 'parseScpRecord', 'verifySignedRecord', 'auditTrail', 'createTrailAuditor', 'merkleRoot', 'evaluateRound', 'sr25519Ready'],
      ...['reconcileEra', 'parseEventLines'],
      ...['BridgeError', 'ERROR_CODES', 'isBridgeError'],
      ...['certificateSchema', 'containmentConfigSchema', 'riskPolicySchema', 'GrantEnvelopeSchema', 'TrailReportSchema', 'clusterParamsSchema', 'eraUsageSchema'],
    ]
    expect(names.filter((name) => (core as Record<string, unknown>)[name] === undefined)).toEqual([])
  })
})
