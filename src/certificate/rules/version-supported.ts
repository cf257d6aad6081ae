import { quoted } from '../../errors.ts'
import { type Rule, violation } from './types.ts'

export const SUPPORTED_VERSION = '0.2.0'

/**
 * VERSION_UNSUPPORTED: the certificate must be CCP version "0.2.0".
 * @example checkVersionSupported({ version: '0.1.0', … }, ctx) // [{ code: 'VERSION_UNSUPPORTED', path: '$.version', … }]
 */
export const checkVersionSupported: Rule = (cert) =>
  cert.version === SUPPORTED_VERSION ? [] : [violation('VERSION_UNSUPPORTED', '$.version', `version ${quoted(cert.version)} is not supported, expected "${SUPPORTED_VERSION}"`)]
