import { describe, expect, it } from 'vitest'
import { containmentBound, deriveMetrics, derivedMetricsSection, highestSupportedClass } from '../../../src/certificate/derive.ts'
import { loadFixture } from './support.ts'

describe('deriveMetrics', () => {
  it('C1: a tighter SPENDING_LIMIT and a REVERSIBILITY_WINDOW the agent can influence do not count', () => {
    const cert = loadFixture('valid-c1.json')
    expect(cert.constraints[0]).toMatchObject({ type: 'SPENDING_LIMIT', value: { amount: '1000' }, agent_independent: false })
    expect(deriveMetrics(cert)).toEqual({
      containment_bound: '50000',
      containment_bound_denomination: 'USDC',
      agent_independent_layer_count: 2,
      agent_influenceable_layer_count: 2,
      certificate_class: 'C1',
    })
    expect(containmentBound(cert)?.index).toBe(1)
  })

  it('C2: one agent-influenceable TIME_LOCK, four independent layers', () => {
    expect(deriveMetrics(loadFixture('valid-c2.json'))).toEqual({
      containment_bound: '50000',
      containment_bound_denomination: 'USDC',
      agent_independent_layer_count: 4,
      agent_influenceable_layer_count: 1,
      certificate_class: 'C2',
    })
  })

  it('C3: the tightest of two agent-independent limits is the bound (20000 per transaction, not 50000 per day)', () => {
    expect(deriveMetrics(loadFixture('valid-c3.json'))).toEqual({
      containment_bound: '20000',
      containment_bound_denomination: 'USDC',
      agent_independent_layer_count: 4,
      agent_influenceable_layer_count: 0,
      certificate_class: 'C3',
    })
  })

  it('what the derived metrics of every valid fixture say is what the fixture states', () => {
    for (const name of ['valid-c1.json', 'valid-c2.json', 'valid-c3.json']) {
      const cert = loadFixture(name)
      expect(deriveMetrics(cert)).toEqual(cert.derived_metrics)
    }
  })

  it('the class falls to the highest one whose rules all hold', () => {
    const cert = loadFixture('valid-c3.json')
    cert.validity.expires_at = '2026-05-15T00:00:00Z' // 44 days: over C3's 30, within C2's 60
    expect(highestSupportedClass(cert)).toBe('C2')
    cert.attestations = [] // C2 needs a staked attestation
    expect(highestSupportedClass(cert)).toBe('C1')
    cert.reserve.amount = '19999.99' // under 1× the 20000 bound
    expect(highestSupportedClass(cert)).toBe('NONE')
  })

  it('amounts compare as exact decimals, not as text or floats', () => {
    const cert = loadFixture('valid-c2.json')
    cert.constraints[0].value.amount = '9000.5'
    cert.constraints.push({ ...cert.constraints[0], value: { ...cert.constraints[0].value, amount: '10000' } })
    expect(deriveMetrics(cert).containment_bound).toBe('9000.5')
  })

  it('without an agent-independent SPENDING_LIMIT there is no bound and no class', () => {
    const cert = loadFixture('valid-c2.json')
    cert.constraints[0].agent_independent = false
    expect(deriveMetrics(cert)).toMatchObject({ containment_bound: null, containment_bound_denomination: null, agent_independent_layer_count: 3, agent_influenceable_layer_count: 2, certificate_class: 'NONE' })
  })

  it('limits in another denomination than the reserve are not compared with it', () => {
    const cert = loadFixture('rules/denomination-mismatch.json')
    expect(cert.constraints[5].value).toEqual({ amount: '10', denomination: 'ETH', period: 'DAY' })
    expect(deriveMetrics(cert)).toMatchObject({ containment_bound: '50000', containment_bound_denomination: 'USDC' })
  })
})

describe('derivedMetricsSection', () => {
  it('is the document section for a certificate with a bound and a class', () => {
    const cert = loadFixture('valid-c3.json')
    expect(derivedMetricsSection(cert)).toEqual(cert.derived_metrics)
  })

  it('refuses (a check error) when the section cannot state the metrics', () => {
    const unbounded = loadFixture('valid-c2.json')
    unbounded.constraints[0].agent_independent = false
    expect(() => derivedMetricsSection(unbounded)).toThrow(/no agent-independent SPENDING_LIMIT/)
    const classless = loadFixture('valid-c2.json')
    classless.validity.expires_at = '2026-08-01T00:00:00Z'
    expect(() => derivedMetricsSection(classless)).toThrow(expect.objectContaining({ code: 'NO_SUPPORTED_CLASS', kind: 'check' }))
  })
})
