import { addressProblem } from '../address.ts'
import { type Rule, type RuleViolation, violation } from './types.ts'

/**
 * ADDRESS_INVALID: agent_id, operator_id, every enforcement, reserve and stake contract address and every auditor_id must
 * be EVM addresses (EIP-55 checksum when mixed-case; not the zero address). A bad stake contract is also AUDITOR_NOT_STAKED.
 * @example checkAddresses(cert, ctx) // [{ code: 'ADDRESS_INVALID', path: '$.identity.agent_id', message: 'EIP-55 checksum is wrong: …' }]
 */
export const checkAddresses: Rule = (cert) => {
  const places: [string, unknown][] = [
    ['$.identity.agent_id', cert.identity.agent_id],
    ['$.identity.operator_id', cert.identity.operator_id],
    ...cert.constraints.flatMap((c, i): [string, unknown][] =>
      c.enforcement.contract_address === undefined ? [] : [[`$.constraints[${i}].enforcement.contract_address`, c.enforcement.contract_address]],
    ),
    ['$.reserve.contract_address', cert.reserve.contract_address],
    ...cert.attestations.flatMap((a, i): [string, unknown][] => [
      [`$.attestations[${i}].auditor_id`, a.auditor_id],
      [`$.attestations[${i}].stake_contract`, a.stake_contract],
    ]),
  ]
  const found: RuleViolation[] = []
  for (const [path, text] of places) {
    const problem = addressProblem(text)
    if (problem) found.push(violation('ADDRESS_INVALID', path, `not a valid EVM address: ${problem}`))
  }
  return found
}
