import type { RegistryRecord } from '../../src/ports.ts'
import type { RegistryRecordJson } from '../../src/schema/api-registry.ts'
import { isoTime } from './api-app.ts'

/**
 * A registry record as the API shows it: unix seconds as ISO 8601, the bound as a decimal string.
 * @example registryRecordJson(await registry.getCertificate(certHash))
 */
export function registryRecordJson(record: RegistryRecord): RegistryRecordJson {
  return {
    certHash: record.certHash.toLowerCase(),
    operator: record.operator,
    agent: record.agent,
    certificateClass: record.certificateClass,
    issuedAt: isoTime(new Date(record.issuedAt * 1000)),
    expiresAt: isoTime(new Date(record.expiresAt * 1000)),
    status: record.status,
    containmentBound: record.containmentBound.toString(),
    reserveVault: record.reserveVault,
    spendingLimit: record.spendingLimit,
    ipfsUri: record.ipfsUri,
    auditors: record.auditors,
  }
}
