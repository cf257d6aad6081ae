import { describe, expect, it } from 'vitest'
import { concentration } from '../../../src/verify/concentration.ts'
import type { RegistryRecord } from '../../../src/ports.ts'

const A = '0x00000000000000000000000000000000000000aa'
const B = '0x00000000000000000000000000000000000000bb'
const LIMIT = '0x0000000000000000000000000000000000000011'
const RESERVE = '0x0000000000000000000000000000000000000022'
const ZERO = '0x0000000000000000000000000000000000000000'

function record(i: number, auditors: string[], spendingLimit = ZERO, reserveVault = ZERO): RegistryRecord {
  return { certHash: `0x${String(i).padStart(64, '0')}`, operator: A, agent: A, certificateClass: 'C2', issuedAt: 0, expiresAt: 1, status: 'ACTIVE', containmentBound: 1n, reserveVault: reserveVault as `0x${string}`, spendingLimit: spendingLimit as `0x${string}`, ipfsUri: 'ipfs://x', auditors: auditors as `0x${string}`[] }
}

describe('concentration', () => {
  it('computes each auditor\'s share of the active certificates and flags one over the threshold as a condition', () => {
    const active = [record(1, [A]), record(2, [A]), record(3, [A, B]), record(4, [B])]
    const { report, reasons } = concentration(active[2]!, active, { max_auditor_share: 0.5 })
    expect(report.auditors).toEqual([
      { auditor: A, certificates: 3, share: 0.75 },
      { auditor: B, certificates: 2, share: 0.5 },
    ])
    expect(reasons).toEqual([expect.objectContaining({ code: 'AUDITOR_CONCENTRATION', effect: 'condition', message: expect.stringContaining('3 of 4 active certificates (75%)') })])
  })

  it('flags shared spending-limit and reserve contracts over the contract threshold; the zero address is not a contract', () => {
    const active = [record(1, [], LIMIT, RESERVE), record(2, [], LIMIT, ZERO), record(3, [], ZERO, ZERO)]
    const { report, reasons } = concentration(active[0]!, active, { max_contract_share: 0.5 })
    expect(report.spending_limit).toEqual({ contract: LIMIT, certificates: 2, share: 2 / 3 })
    expect(report.reserve).toEqual({ contract: RESERVE, certificates: 1, share: 1 / 3 })
    expect(reasons.map((r) => r.message)).toEqual([expect.stringContaining('spending-limit contract')])
    expect(concentration(active[2]!, active, { max_contract_share: 0.1 }).report.spending_limit).toBeNull()
  })

  it('does not judge a registry smaller than the policy\'s minimum', () => {
    const active = [record(1, [A])]
    expect(concentration(active[0]!, active, { max_auditor_share: 0.5 }).reasons).toEqual([])
    expect(concentration(active[0]!, active, { max_auditor_share: 0.5, concentration_min_certificates: 1 }).reasons).toHaveLength(1)
  })
})
