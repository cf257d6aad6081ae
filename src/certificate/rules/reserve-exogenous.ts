import { type Rule, violation } from './types.ts'

/**
 * RESERVE_NOT_EXOGENOUS: the reserve must be in assets the operator cannot mint or control (exogenous: true).
 * @example checkReserveExogenous({ reserve: { exogenous: false, … }, … }, ctx) // one violation at $.reserve.exogenous
 */
export const checkReserveExogenous: Rule = (cert) =>
  cert.reserve.exogenous === true
    ? []
    : [violation('RESERVE_NOT_EXOGENOUS', '$.reserve.exogenous', 'the reserve is not exogenous: governance, self-minted or operator-issued assets are not valid reserves')]
