import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { validateCertificate } from '../../../src/certificate/validate.ts'
import { RULE_CODES } from '../../../src/certificate/rules/index.ts'
import { hasShared, sharedFile, sharedSkipReason } from '../../support/shared.ts'
import { certificatesDir, fixtureOptions, loadFixture } from './support.ts'

/**
 * One fixture per rule code. `with` lists the codes a break necessarily brings along: every class rule
 * (expiry, reserve minimum, attestation, composition, stake) lowers the highest supported class, so
 * CLASS_NOT_SUPPORTED_BY_RULES comes with it; and a certificate without any agent-independent layer has no class at all.
 */
const expected: Record<string, { code: string; path: string; with?: { code: string; path: string }[] }> = {
  schema: { code: 'SCHEMA', path: '$.constraints[0].value.amount' },
  'version-unsupported': { code: 'VERSION_UNSUPPORTED', path: '$.version' },
  'certificate-id-not-uuid-v4': { code: 'CERTIFICATE_ID_NOT_UUID_V4', path: '$.certificate_id' },
  'address-invalid': { code: 'ADDRESS_INVALID', path: '$.identity.agent_id' },
  'chain-id-mismatch': { code: 'CHAIN_ID_MISMATCH', path: '$.identity.chain_id' },
  'validity-window-invalid': { code: 'VALIDITY_WINDOW_INVALID', path: '$.validity.expires_at' },
  'expiry-exceeds-class-max': { code: 'EXPIRY_EXCEEDS_CLASS_MAX', path: '$.validity.expires_at', with: [classCap()] },
  'no-agent-independent-constraint': { code: 'NO_AGENT_INDEPENDENT_CONSTRAINT', path: '$.constraints', with: [classCap()] },
  'reserve-not-exogenous': { code: 'RESERVE_NOT_EXOGENOUS', path: '$.reserve.exogenous' },
  'reserve-ratio-mismatch': { code: 'RESERVE_RATIO_MISMATCH', path: '$.reserve.reserve_ratio' },
  'reserve-ratio-below-class-min': { code: 'RESERVE_RATIO_BELOW_CLASS_MIN', path: '$.reserve.reserve_ratio', with: [classCap()] },
  'attestation-required': { code: 'ATTESTATION_REQUIRED', path: '$.attestations', with: [classCap()] },
  'composition-analysis-required': { code: 'COMPOSITION_ANALYSIS_REQUIRED', path: '$.attestations', with: [classCap()] },
  'auditor-not-staked': { code: 'AUDITOR_NOT_STAKED', path: '$.attestations[1].stake_amount' },
  'auditor-duplicate': { code: 'AUDITOR_DUPLICATE', path: '$.attestations[1].auditor_id' },
  'auditor-not-independent': { code: 'AUDITOR_NOT_INDEPENDENT', path: '$.attestations[1].auditor_id' },
  'containment-bound-mismatch': { code: 'CONTAINMENT_BOUND_MISMATCH', path: '$.derived_metrics.containment_bound' },
  'layer-count-mismatch': { code: 'LAYER_COUNT_MISMATCH', path: '$.derived_metrics.agent_independent_layer_count' },
  'class-not-supported-by-rules': {
    code: 'CLASS_NOT_SUPPORTED_BY_RULES',
    path: '$.derived_metrics.certificate_class',
    with: [{ code: 'AUDITOR_NOT_STAKED', path: '$.attestations[0].stake_amount' }],
  },
  'denomination-mismatch': { code: 'DENOMINATION_MISMATCH', path: '$.constraints[5].value.denomination' },
}

function classCap() {
  return { code: 'CLASS_NOT_SUPPORTED_BY_RULES', path: '$.derived_metrics.certificate_class' }
}

describe('one fixture per rule code', () => {
  it('covers every stable code, and every fixture in rules/ is listed', () => {
    expect(Object.values(expected).map((e) => e.code).sort()).toEqual([...RULE_CODES].sort())
    expect(readdirSync(`${certificatesDir}rules`).map((f) => f.replace(/\.json$/, '')).sort()).toEqual(Object.keys(expected).sort())
  })

  for (const [name, want] of Object.entries(expected)) {
    it(`${name}.json breaks ${want.code} at ${want.path}`, () => {
      const result = validateCertificate(loadFixture(`rules/${name}.json`), fixtureOptions)
      expect(result.valid).toBe(false)
      const got = result.errors.map(({ code, path }) => ({ code, path }))
      expect(got).toContainEqual({ code: want.code, path: want.path })
      expect(got).toHaveLength(1 + (want.with?.length ?? 0))
      for (const other of want.with ?? []) expect(got).toContainEqual(other)
      for (const e of result.errors) expect(e.message.length).toBeGreaterThan(10)
    })
  }

  it('a schema error in a field the rules read stops the rules (not checked), so the CLI can exit 2', () => {
    const result = validateCertificate(loadFixture('rules/schema.json'), fixtureOptions)
    expect(result.checked).toBe(false)
    expect(result.derived).toBeUndefined()
    expect(result.errors[0]!.message).toMatch(/decimal string/)
  })
})

describe('valid C1, C2, C3 certificates', () => {
  for (const cls of ['c1', 'c2', 'c3']) {
    it(`valid-${cls}.json holds every rule`, () => {
      const result = validateCertificate(loadFixture(`valid-${cls}.json`), fixtureOptions)
      expect(result.errors).toEqual([])
      expect(result.valid).toBe(true)
      expect(result.checked).toBe(true)
      expect(result.status).toBe('ACTIVE')
      expect(result.derived?.certificate_class).toBe(cls.toUpperCase())
      expect(result.certificate?.derived_metrics.certificate_class).toBe(cls.toUpperCase())
    })
  }
})

describe('the complete example of seed 003', () => {
  const seed = loadFixture('seed-003-example.json')

  it('is not valid: the signature is a placeholder, 61 days exceed C2, so the rules support only C1', () => {
    const result = validateCertificate(seed, { now: new Date('2026-04-15T00:00:00Z') })
    expect(result.errors.map(({ code, path }) => ({ code, path }))).toEqual([
      { code: 'SCHEMA', path: '$.attestations[0].signature' },
      { code: 'EXPIRY_EXCEEDS_CLASS_MAX', path: '$.validity.expires_at' },
      { code: 'CLASS_NOT_SUPPORTED_BY_RULES', path: '$.derived_metrics.certificate_class' },
    ])
    expect(result.errors[1]!.message).toBe('valid for 61 days, class C2 allows at most 60')
    expect(result.checked).toBe(true)
    expect(result.valid).toBe(false)
    expect(result.derived).toEqual({
      containment_bound: '50000',
      containment_bound_denomination: 'USDC',
      agent_independent_layer_count: 3,
      agent_influenceable_layer_count: 0,
      certificate_class: 'C1',
    })
    expect(result.status).toBe('ACTIVE')
  })

  it('its addresses are valid (lower-case, or mixed-case with a correct EIP-55 checksum) and its ratio 3.0 matches 150000 ÷ 50000', () => {
    const codes = validateCertificate(seed, { chainId: 296 }).errors.map((e) => e.code)
    expect(codes).not.toContain('ADDRESS_INVALID')
    expect(codes).not.toContain('RESERVE_RATIO_MISMATCH')
    expect(codes).not.toContain('CHAIN_ID_MISMATCH')
  })

  it('is on Hedera testnet (296): another deployment chain is a CHAIN_ID_MISMATCH', () => {
    const errors = validateCertificate(seed, { chainId: 1 }).errors
    expect(errors).toContainEqual({ code: 'CHAIN_ID_MISMATCH', path: '$.identity.chain_id', message: 'chain id 296 does not match the deployment chain 1' })
  })

  it('no status without a clock; after expires_at it is EXPIRED, before issued_at NOT_YET_VALID', () => {
    expect(validateCertificate(seed).status).toBeUndefined()
    expect(validateCertificate(seed, { now: new Date('2026-06-01T00:00:00Z') }).status).toBe('EXPIRED')
    expect(validateCertificate(seed, { now: new Date('2026-03-31T23:59:59Z') }).status).toBe('NOT_YET_VALID')
  })

  it.skipIf(!hasShared)(`is byte for byte the example printed in seed 003 (${hasShared ? 'shared present' : sharedSkipReason})`, () => {
    const seedText = readFileSync(sharedFile('seeds', '003_10a58e0a5a3bc759.txt'), 'utf8')
    const start = seedText.indexOf('A fully populated C2 certificate:\n') + 'A fully populated C2 certificate:\n'.length
    const end = seedText.indexOf('}Validation Rules')
    expect(readFileSync(`${certificatesDir}seed-003-example.json`, 'utf8')).toBe(`${seedText.slice(start, end)}}\n`)
  })
})

describe('every violation is reported together', () => {
  it('a certificate breaking many rules lists each of them', () => {
    const cert = loadFixture('valid-c2.json')
    cert.version = '0.3.0'
    cert.certificate_id = 'not-a-uuid'
    cert.identity.operator_id = '0x1234'
    cert.reserve.exogenous = false
    cert.derived_metrics.agent_influenceable_layer_count = 7
    cert.dependency_disclosure.framework = 42
    const codes = validateCertificate(cert, fixtureOptions).errors.map((e) => e.code)
    expect(codes).toEqual(['SCHEMA', 'VERSION_UNSUPPORTED', 'CERTIFICATE_ID_NOT_UUID_V4', 'ADDRESS_INVALID', 'RESERVE_NOT_EXOGENOUS', 'LAYER_COUNT_MISMATCH'])
  })

  it('all schema errors come together, with their JSON paths', () => {
    const cert = loadFixture('valid-c2.json')
    cert.identity.chain_id = '31337'
    cert.reserve.reserve_ratio = Number.POSITIVE_INFINITY
    cert.constraints[1].type = 'TELEPATHY'
    cert.extra = true
    const result = validateCertificate(cert, fixtureOptions)
    expect(result.checked).toBe(false)
    expect(result.errors.map((e) => e.path).sort()).toEqual(['$', '$.constraints[1].type', '$.identity.chain_id', '$.reserve.reserve_ratio'])
    expect(result.errors.every((e) => e.code === 'SCHEMA')).toBe(true)
    expect(result.errors.find((e) => e.path === '$')!.message).toBe('unknown field(s) "extra"')
  })

  it('a non-object is one SCHEMA error at $', () => {
    for (const input of [[], null, 'text', 3]) {
      const result = validateCertificate(input)
      expect(result).toMatchObject({ valid: false, checked: false })
      expect(result.errors).toEqual([{ code: 'SCHEMA', path: '$', message: expect.stringMatching(/^expected a certificate as a JSON object, got /) }])
    }
  })
})

describe('addresses', () => {
  it('all-lower and all-upper addresses carry no checksum and are accepted; a wrong mixed-case checksum and the zero address are not', () => {
    const cert = loadFixture('valid-c2.json')
    cert.identity.agent_id = cert.identity.agent_id.toLowerCase()
    cert.identity.operator_id = `0x${cert.identity.operator_id.slice(2).toUpperCase()}`
    cert.reserve.contract_address = '0x0000000000000000000000000000000000000000'
    const errors = validateCertificate(cert, fixtureOptions).errors
    expect(errors).toEqual([{ code: 'ADDRESS_INVALID', path: '$.reserve.contract_address', message: 'not a valid EVM address: the zero address is not an account' }])
  })

  it('an invalid stake contract is ADDRESS_INVALID (issue 2: contract addresses), and the auditor is not staked', () => {
    const cert = loadFixture('valid-c2.json')
    cert.attestations[0].stake_contract = 'staking.eth'
    const errors = validateCertificate(cert, fixtureOptions).errors.map(({ code, path }) => ({ code, path }))
    expect(errors).toEqual([
      { code: 'ADDRESS_INVALID', path: '$.attestations[0].stake_contract' },
      { code: 'AUDITOR_NOT_STAKED', path: '$.attestations[0].stake_contract' },
      { code: 'CLASS_NOT_SUPPORTED_BY_RULES', path: '$.derived_metrics.certificate_class' },
    ])
  })
})

describe('attestations the registry would refuse do not raise the class (review fixes)', () => {
  const pairs = (cert: unknown) => validateCertificate(cert, fixtureOptions).errors.map(({ code, path }) => ({ code, path }))

  it("a C2 whose only attestation is the operator's own is not C2: ATTESTATION_REQUIRED, AUDITOR_NOT_INDEPENDENT, class capped at C1 (the registry refuses AuditorNotIndependent)", () => {
    const cert = loadFixture('valid-c2.json')
    cert.attestations[0].auditor_id = cert.identity.operator_id
    const result = validateCertificate(cert, fixtureOptions)
    expect(pairs(cert)).toEqual([
      { code: 'ATTESTATION_REQUIRED', path: '$.attestations' },
      { code: 'AUDITOR_NOT_INDEPENDENT', path: '$.attestations[0].auditor_id' },
      { code: 'CLASS_NOT_SUPPORTED_BY_RULES', path: '$.derived_metrics.certificate_class' },
    ])
    expect(result.errors[0]!.message).toMatch(/other than the operator and the agent/)
    expect(result.derived?.certificate_class).toBe('C1')
  })

  it("an agent attesting its own containment does not count either (auditor id compared case-insensitively)", () => {
    const cert = loadFixture('valid-c2.json')
    cert.attestations[0].auditor_id = cert.identity.agent_id.toLowerCase()
    expect(pairs(cert)).toContainEqual({ code: 'ATTESTATION_REQUIRED', path: '$.attestations' })
    expect(validateCertificate(cert, fixtureOptions).derived?.certificate_class).toBe('C1')
  })

  it("a C3 whose composition analysis is the operator's own: COMPOSITION_ANALYSIS_REQUIRED, class capped at C2", () => {
    const cert = loadFixture('valid-c3.json')
    const composition = cert.attestations.findIndex((a: { scope: string }) => ['COMPOSITION_ANALYSIS', 'FULL_STACK_VERIFICATION'].includes(a.scope))
    for (const [i, a] of cert.attestations.entries()) if (i !== composition && ['COMPOSITION_ANALYSIS', 'FULL_STACK_VERIFICATION'].includes(a.scope)) a.scope = 'SMART_CONTRACT_VERIFICATION'
    cert.attestations[composition].auditor_id = cert.identity.operator_id
    const codes = pairs(cert)
    expect(codes).toContainEqual({ code: 'COMPOSITION_ANALYSIS_REQUIRED', path: '$.attestations' })
    expect(codes).toContainEqual({ code: 'CLASS_NOT_SUPPORTED_BY_RULES', path: '$.derived_metrics.certificate_class' })
    expect(validateCertificate(cert, fixtureOptions).derived?.certificate_class).toBe('C2')
  })
})

describe('auditors the registry refuses, even next to an independent attestation (core/contract agreement)', () => {
  const pairs = (cert: unknown) => validateCertificate(cert, fixtureOptions).errors.map(({ code, path }) => ({ code, path }))
  const copyOf = (a: Record<string, unknown>, changes: Record<string, unknown>) => ({ ...a, ...changes })

  it('AUDITOR_DUPLICATE names every repeat (not the first), comparing auditor ids case-insensitively', () => {
    const cert = loadFixture('valid-c2.json')
    const first = cert.attestations[0]
    cert.attestations.push(copyOf(first, { auditor_id: first.auditor_id.toLowerCase(), scope: 'COMPOSITION_ANALYSIS' }))
    cert.attestations.push(copyOf(first, { scope: 'FULL_STACK_VERIFICATION' }))
    const result = validateCertificate(cert, fixtureOptions)
    expect(pairs(cert)).toEqual([
      { code: 'AUDITOR_DUPLICATE', path: '$.attestations[1].auditor_id' },
      { code: 'AUDITOR_DUPLICATE', path: '$.attestations[2].auditor_id' },
    ])
    expect(result.errors[0]!.message).toContain('$.attestations[0]')
    expect(result.valid).toBe(false)
  })

  it('distinct auditors are not duplicates', () => {
    expect(pairs(loadFixture('valid-c3.json'))).toEqual([])
  })

  it("AUDITOR_NOT_INDEPENDENT for an attestation by the agent, next to an independent one that keeps the class", () => {
    const cert = loadFixture('valid-c2.json')
    cert.attestations.push(copyOf(cert.attestations[0], { auditor_id: cert.identity.agent_id }))
    const result = validateCertificate(cert, fixtureOptions)
    expect(pairs(cert)).toEqual([{ code: 'AUDITOR_NOT_INDEPENDENT', path: '$.attestations[1].auditor_id' }])
    expect(result.errors[0]!.message).toMatch(/is the certificate's agent/)
    expect(result.derived?.certificate_class).toBe('C2')
  })

  it('AUDITOR_NOT_INDEPENDENT for the operator, named as such; an operator that attests twice is also a duplicate', () => {
    const cert = loadFixture('valid-c2.json')
    const operator = cert.identity.operator_id
    cert.attestations.push(copyOf(cert.attestations[0], { auditor_id: operator }), copyOf(cert.attestations[0], { auditor_id: operator.toLowerCase(), scope: 'COMPOSITION_ANALYSIS' }))
    const result = validateCertificate(cert, fixtureOptions)
    expect(pairs(cert)).toEqual([
      { code: 'AUDITOR_DUPLICATE', path: '$.attestations[2].auditor_id' },
      { code: 'AUDITOR_NOT_INDEPENDENT', path: '$.attestations[1].auditor_id' },
      { code: 'AUDITOR_NOT_INDEPENDENT', path: '$.attestations[2].auditor_id' },
    ])
    expect(result.errors.find((e) => e.code === 'AUDITOR_NOT_INDEPENDENT')!.message).toMatch(/is the certificate's operator/)
  })
})
