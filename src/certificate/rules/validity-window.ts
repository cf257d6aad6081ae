import { validityDurationMs } from '../class-rules.ts'
import { type Rule, violation } from './types.ts'

/**
 * VALIDITY_WINDOW_INVALID: expires_at must be after issued_at.
 * @example checkValidityWindow({ validity: { issued_at: '2026-04-01T00:00:00Z', expires_at: '2026-03-01T00:00:00Z' }, … }, ctx) // one violation
 */
export const checkValidityWindow: Rule = (cert) =>
  validityDurationMs(cert) > 0
    ? []
    : [violation('VALIDITY_WINDOW_INVALID', '$.validity.expires_at', `expires_at ${cert.validity.expires_at} is not after issued_at ${cert.validity.issued_at}`)]
