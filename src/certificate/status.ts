import type { CertificateStatus } from '../schema/certificate.ts'

/** What the registry says about a certificate, when it was asked. */
export type OnChainState = { revoked?: boolean; challenged?: boolean; expired?: boolean }

/**
 * The status of a certificate at `now`: REVOKED, then CHALLENGED, then EXPIRED (from `expires_at` on, or as recorded),
 * then NOT_YET_VALID before `issued_at`, else ACTIVE. A terminal status written in the document or reported on-chain is never undone.
 * @example certificateStatus(cert, new Date('2026-05-01T00:00:00Z')) // 'ACTIVE'
 */
export function certificateStatus(
  cert: { validity: { issued_at: string; expires_at: string; status?: CertificateStatus | undefined } },
  now: Date,
  onChain: OnChainState = {},
): CertificateStatus {
  const recorded = cert.validity.status
  if (onChain.revoked || recorded === 'REVOKED') return 'REVOKED'
  if (onChain.challenged || recorded === 'CHALLENGED') return 'CHALLENGED'
  if (onChain.expired || recorded === 'EXPIRED') return 'EXPIRED'
  const time = now.getTime()
  if (time >= Date.parse(cert.validity.expires_at)) return 'EXPIRED'
  if (time < Date.parse(cert.validity.issued_at)) return 'NOT_YET_VALID'
  return 'ACTIVE'
}
