import type { GrantPayload, GrantStatus } from '../schema/evidence-grant.ts'

/**
 * The status of a grant at `now`, derived at read time: revoked, expired (now > expires_at),
 * not_yet_valid (now < created_at) or active. `expires_at: null` never expires.
 * @example grantStatus(payload, new Date('2026-07-01T00:00:00Z')) // 'active'
 */
export function grantStatus(payload: Pick<GrantPayload, 'revoked' | 'created_at' | 'expires_at'>, now: Date): GrantStatus {
  if (payload.revoked) return 'revoked'
  if (payload.expires_at !== null && now.getTime() > Date.parse(payload.expires_at)) return 'expired'
  if (now.getTime() < Date.parse(payload.created_at)) return 'not_yet_valid'
  return 'active'
}
