import { addressProblem } from '../address.ts'
import { isPositiveDecimal } from '../decimal.ts'
import { type Rule, type RuleViolation, violation } from './types.ts'

/**
 * AUDITOR_NOT_STAKED (off chain): every attestation needs a positive stake_amount and a valid stake_contract address;
 * that the stake is really locked is checked on-chain by the registry.
 * @example checkAuditorsStaked({ attestations: [{ stake_amount: '0', … }], … }, ctx) // one violation at $.attestations[0].stake_amount
 */
export const checkAuditorsStaked: Rule = (cert) => {
  const found: RuleViolation[] = []
  cert.attestations.forEach((attestation, i) => {
    if (!isPositiveDecimal(attestation.stake_amount)) {
      found.push(violation('AUDITOR_NOT_STAKED', `$.attestations[${i}].stake_amount`, `auditor ${attestation.auditor_id} has no stake (stake_amount ${attestation.stake_amount})`))
    }
    const problem = addressProblem(attestation.stake_contract)
    if (problem) found.push(violation('AUDITOR_NOT_STAKED', `$.attestations[${i}].stake_contract`, `the stake contract is not a valid address: ${problem}`))
  })
  return found
}
