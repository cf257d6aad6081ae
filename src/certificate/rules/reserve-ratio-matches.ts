import { reserveCoverage } from '../class-rules.ts'
import { formatRational, statesRatio } from '../decimal.ts'
import { type Rule, violation } from './types.ts'

/**
 * RESERVE_RATIO_MISMATCH: reserve_ratio must state reserve.amount ÷ containment bound. It is a JSON number, so it must be
 * the double nearest the exact quotient (3.0 for 150000 ÷ 50000). Not checked without a bound in the reserve's denomination.
 * @example checkReserveRatioMatches({ reserve: { amount: '150000', reserve_ratio: 2.5, … }, … }, ctx) // one violation
 */
export const checkReserveRatioMatches: Rule = (cert, { bound }) => {
  const coverage = reserveCoverage(cert, bound)
  if (!coverage || !bound || statesRatio(cert.reserve.reserve_ratio, coverage)) return []
  return [
    violation(
      'RESERVE_RATIO_MISMATCH',
      '$.reserve.reserve_ratio',
      `reserve_ratio is ${cert.reserve.reserve_ratio} but reserve ÷ containment bound = ${cert.reserve.amount} ÷ ${bound.amount} = ${formatRational(coverage)}`,
    ),
  ]
}
