import { describe, expect, it } from 'vitest'
import { eraQuorum, percentMul, quorumThreshold } from '../../../src/settlement/quorum.ts'
import { isEraEvent } from '../../../src/settlement/era-event-filter.ts'

const set = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`)
const commits = (n: number, roots = 'a/b', position = 1) => Array.from({ length: n }, (_, i) => ({ validator: `v${i}`, roots, position }))

describe('the quorum threshold: Percent(67) × n, rounded to nearest, ties down (as the runtime multiplies a Percent)', () => {
  it('rounds 67 % of the set to the nearest whole validator', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10, 100].map(quorumThreshold)).toEqual([1, 1, 2, 3, 3, 4, 5, 7, 67])
    // 5 × 0.67 = 3.35 → 3; 4 × 0.67 = 2.68 → 3; 6 × 0.67 = 4.02 → 4; 3 × 0.67 = 2.01 → 2
  })
  it('rounds a tie down', () => {
    expect(percentMul(50, 3)).toBe(1) // 1.5 → 1
    expect(percentMul(67, 50)).toBe(33) // 33.5 → 33
    expect(percentMul(67, 150)).toBe(100) // 100.5 → 100
    expect(percentMul(50, 5)).toBe(2) // 2.5 → 2
  })
})

describe('validator quorum (the same roots, before the payout, at least the threshold)', () => {
  it.each([
    [3, 5, true],
    [2, 5, false],
    [2, 3, true],
    [1, 3, false],
    [3, 4, true],
    [2, 4, false],
    [4, 6, true],
    [3, 6, false],
    [67, 100, true],
    [66, 100, false],
  ])('%i of %i: holds = %s', (committed, validators, holds) => {
    expect(eraQuorum(set(validators), commits(committed), 10)).toEqual({ validators, committed, holds })
  })
  it('counts only the largest group of identical roots, each validator once, members only', () => {
    const mixed = [...commits(2, 'a/b'), { validator: 'v2', roots: 'c/d', position: 1 }, { validator: 'v0', roots: 'a/b', position: 2 }, { validator: 'stranger', roots: 'a/b', position: 1 }]
    expect(eraQuorum(set(3), mixed, 10).committed).toBe(2)
  })
  it('an empty set never holds', () => {
    expect(eraQuorum([], commits(3), 10).holds).toBe(false)
  })
  it('ignores commits made after the payout began', () => {
    expect(eraQuorum(set(3), commits(3, 'a/b', 11), 10).committed).toBe(0)
  })
})

describe('isEraEvent', () => {
  const cluster = '0x' + 'ab'.repeat(20)
  const event = (section: string, method: string, data: Record<string, unknown>) => ({ block: 1, index: 0, section, method, data })
  it('keeps the era of the cluster and drops others', () => {
    expect(isEraEvent(event('ddcPayouts', 'Charged', { cluster_id: cluster.toUpperCase().replace('0X', '0x'), era: 7 }), cluster, 7)).toBe(true)
    expect(isEraEvent(event('ddcPayouts', 'Charged', { cluster_id: cluster, era: 8 }), cluster, 7)).toBe(false)
    expect(isEraEvent(event('ddcPayouts', 'PayoutFingerprintCommited', { cluster_id: cluster, era_id: 7 }), cluster, 7)).toBe(true)
    expect(isEraEvent(event('ddcClusters', 'ClusterEraPaid', { cluster_id: cluster, era_id: 7 }), cluster, 7)).toBe(true)
    expect(isEraEvent(event('ddcClusters', 'ClusterNodeAdded', { cluster_id: cluster }), cluster, 7)).toBe(false)
    expect(isEraEvent(event('ddcCustomers', 'Deposited', { cluster_id: cluster }), cluster, 7)).toBe(true)
    expect(isEraEvent(event('ddcCustomers', 'Deposited', { cluster_id: '0x' + '00'.repeat(20) }), cluster, 7)).toBe(false)
    expect(isEraEvent(event('ddcVerification', 'ValidatorsSetUpdated', { validators: [] }), cluster, 7)).toBe(true)
  })
})
