import { describe, expect, it } from 'vitest'
import { eraQuorum } from '../../../src/settlement/quorum.ts'
import { isEraEvent } from '../../../src/settlement/era-event-filter.ts'

const set = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`)
const commits = (n: number, roots = 'a/b', position = 1) => Array.from({ length: n }, (_, i) => ({ validator: `v${i}`, roots, position }))

describe('validator quorum (at least 67 % of the set, same roots, before the payout)', () => {
  it('holds at exactly 67 % and fails just below', () => {
    expect(eraQuorum(set(100), commits(67), 10).holds).toBe(true)
    expect(eraQuorum(set(100), commits(66), 10).holds).toBe(false)
    expect(eraQuorum(set(3), commits(2), 10)).toEqual({ validators: 3, committed: 2, holds: false }) // 66.7 %
    expect(eraQuorum(set(5), commits(4), 10)).toEqual({ validators: 5, committed: 4, holds: true })
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
