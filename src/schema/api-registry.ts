import { z } from 'zod'

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/).meta({ example: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' })
const hash = z.string().regex(/^0x[0-9a-f]{64}$/).meta({ example: '0x18f56fe44534919c77383a133d5a64b47dfa8ca9b0a9dc8854c31f202c6aea18' })

/** `ICCPRegistry.Status` by name, as the API reports it. */
export const registryStatusSchema = z.enum(['ACTIVE', 'REVOKED', 'EXPIRED', 'CHALLENGED']).meta({ id: 'RegistryStatus' })

/**
 * A certificate record as the registry holds it (seed 003 `CertificateRecord`), in JSON: times as ISO 8601, the
 * containment bound as a decimal string (a uint256).
 * @example registryRecordJsonSchema.parse(registryRecordJson(record))
 */
export const registryRecordJsonSchema = z
  .strictObject({
    certHash: hash,
    operator: address,
    agent: address,
    certificateClass: z.enum(['NONE', 'C1', 'C2', 'C3']),
    issuedAt: z.string().meta({ description: 'ISO 8601', example: '2026-06-15T00:00:00Z' }),
    expiresAt: z.string().meta({ description: 'ISO 8601', example: '2026-08-14T00:00:00Z' }),
    status: registryStatusSchema,
    containmentBound: z.string().regex(/^\d+$/).meta({ example: '5000' }),
    reserveVault: address,
    spendingLimit: address,
    ipfsUri: z.string().meta({ example: 'ipfs://bafkreigp4ol73hlfofyhoo474u5aah4ltl75zgu4bownkmtfhq75parcny' }),
    auditors: z.array(address),
  })
  .meta({ id: 'RegistryRecord', description: 'The certificate record on the registry' })

export type RegistryRecordJson = z.infer<typeof registryRecordJsonSchema>

/** Path and query building blocks shared by the API's schemas. */
export const apiAddressSchema = address
export const apiCertHashSchema = hash
