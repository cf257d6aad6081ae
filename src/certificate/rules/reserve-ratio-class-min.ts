import { CLASS_MIN_RESERVE_RATIO } from '../classes.ts'
import { reserveCoverage, reserveCovers } from '../class-rules.ts'
import { formatRational } from '../decimal.ts'
import { type Rule, violation } from './types.ts'

/**
 * RESERVE_RATIO_BELOW_CLASS_MIN: reserve ÷ containment bound (computed exactly, not the stated ratio) must reach the
 * declared class's minimum: 1× C1, 3× C2, 5× C3. Not checked without a bound in the reserve's denomination.
 * @example checkReserveRatioClassMin(c2With2xReserve, ctx) // one violation at $.reserve.reserve_ratio
 */
export const checkReserveRatioClassMin: Rule = (cert, { bound }) => {
  const declared = cert.derived_metrics.certificate_class
  if (!bound || bound.denomination !== cert.reserve.denomination) return []
  const min = CLASS_MIN_RESERVE_RATIO[declared]
  if (reserveCovers(cert, bound, min)) return []
  const coverage = reserveCoverage(cert, bound)
  return [
    violation(
      'RESERVE_RATIO_BELOW_CLASS_MIN',
      '$.reserve.reserve_ratio',
      `the reserve covers the containment bound ${coverage ? formatRational(coverage) : '0'}×, class ${declared} needs at least ${min}×`,
    ),
  ]
}
