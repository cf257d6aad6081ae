import { quoted } from '../../errors.ts'
import { type Rule, violation } from './types.ts'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i

/**
 * CERTIFICATE_ID_NOT_UUID_V4: certificate_id must be a UUID of version 4 (RFC 9562 variant).
 * @example checkCertificateIdIsUuidV4({ certificate_id: '550e8400-e29b-11d4-a716-446655440000', … }, ctx) // one violation (a v1 UUID)
 */
export const checkCertificateIdIsUuidV4: Rule = (cert) =>
  UUID_V4.test(cert.certificate_id)
    ? []
    : [violation('CERTIFICATE_ID_NOT_UUID_V4', '$.certificate_id', `${quoted(cert.certificate_id)} is not a UUID v4 (xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx)`)]
