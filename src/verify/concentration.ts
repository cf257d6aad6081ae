import { ZERO_ADDRESS } from '../crypto/eip55.ts'
import type { RegistryRecord } from '../ports.ts'
import type { RiskPolicy } from '../schema/policy.ts'
import type { Reason } from './reasons.ts'

export type ConcentrationReport = {
  active_certificates: number
  auditors: Array<{ auditor: string; certificates: number; share: number }>
  spending_limit: { contract: string; certificates: number; share: number } | null
  reserve: { contract: string; certificates: number; share: number } | null
}

/**
 * The concentration check (seed 004): among the registry's active certificates, the share attested by each of this
 * certificate's auditors and the share using its spending-limit and reserve contracts; a share over the policy's
 * threshold makes the decision conditional.
 * @example concentration(record, await registry.activeCertificates(), { max_auditor_share: 0.5 }).reasons
 */
export function concentration(record: RegistryRecord, active: RegistryRecord[], policy: RiskPolicy): { report: ConcentrationReport; reasons: Reason[] } {
  const total = active.length
  const share = (n: number) => (total === 0 ? 0 : n / total)
  const auditors = record.auditors.map((auditor) => {
    const n = active.filter((r) => r.auditors.some((a) => a.toLowerCase() === auditor.toLowerCase())).length
    return { auditor, certificates: n, share: share(n) }
  })
  const sameContract = (pick: (r: RegistryRecord) => string) => {
    const contract = pick(record)
    if (contract.toLowerCase() === ZERO_ADDRESS) return null
    const n = active.filter((r) => pick(r).toLowerCase() === contract.toLowerCase()).length
    return { contract, certificates: n, share: share(n) }
  }
  const report: ConcentrationReport = { active_certificates: total, auditors, spending_limit: sameContract((r) => r.spendingLimit), reserve: sameContract((r) => r.reserveVault) }
  const reasons: Reason[] = []
  if (total < (policy.concentration_min_certificates ?? 2)) return { report, reasons }
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`
  if (policy.max_auditor_share !== undefined) {
    for (const a of auditors) {
      if (a.share > policy.max_auditor_share) {
        reasons.push({ stage: 'concentration', code: 'AUDITOR_CONCENTRATION', effect: 'condition', message: `auditor ${a.auditor} attests ${a.certificates} of ${total} active certificates (${pct(a.share)}), over the policy's ${pct(policy.max_auditor_share)}` })
      }
    }
  }
  if (policy.max_contract_share !== undefined) {
    for (const [what, c] of [['spending-limit', report.spending_limit], ['reserve', report.reserve]] as const) {
      if (c && c.share > policy.max_contract_share) {
        reasons.push({ stage: 'concentration', code: 'CONTRACT_CONCENTRATION', effect: 'condition', message: `${c.certificates} of ${total} active certificates (${pct(c.share)}) share the ${what} contract ${c.contract}, over the policy's ${pct(policy.max_contract_share)}` })
      }
    }
  }
  return { report, reasons }
}
