import { z } from 'zod'
import {
  constraintSchema,
  decimalStringSchema,
  dependencyDisclosureSchema,
  identitySchema,
  operatorMetadataSchema,
  reserveSchema,
  certificateClassSchema,
} from './certificate.ts'

const UINT256_MAX = (1n << 256n) - 1n
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte EVM address')

/** One containment layer declared by the operator (seed 003 "Constraints", typed as in the certificate); PERMISSION_BOUNDARY comes from the grants instead. */
export const configConstraintSchema = constraintSchema.refine((constraint) => constraint.type !== 'PERMISSION_BOUNDARY', {
  message: 'PERMISSION_BOUNDARY is derived from the GAR grants; declare the other constraint types here',
  path: ['type'],
})

/**
 * The operator's containment config (`certify --config`, JSON or YAML): everything of the certificate that
 * the Cere evidence does not give — identity, declared constraints, reserve, disclosures, desired class,
 * and the details of the bridge's own ACTIVITY_TRAIL_VERIFICATION attestation.
 * @example containmentConfigSchema.parse(YAML.parse(text))
 */
export const containmentConfigSchema = z
  .object({
    /** the agent's GAR service key (`ed25519:<hex>`): its grants and its activity records must name it */
    agent_service_pub_key: z.string().regex(/^ed25519:(0x)?[0-9a-fA-F]{64}$/, 'expected "ed25519:<32-byte hex>"'),
    identity: identitySchema,
    /** the class the operator asks for; certify refuses when the rules do not support it */
    certificate_class: certificateClassSchema,
    /** wanted validity in days (capped by the class maximum and the earliest grant expiry); default: the class maximum */
    validity_days: z.number().int().positive().optional(),
    /** a fixed certificate id (UUID v4); default: derived from the evidence */
    certificate_id: z.string().uuid().optional(),
    constraints: z.array(configConstraintSchema),
    reserve: reserveSchema,
    dependency_disclosure: dependencyDisclosureSchema,
    operator_metadata: operatorMetadataSchema,
    /** the bridge's own attestation (scope ACTIVITY_TRAIL_VERIFICATION), signed with `--auditor-key` */
    attestation: z
      .object({
        auditor_name: z.string().min(1),
        /** the stake in the staking token's smallest unit (1500 USDC of 6 decimals is "1500000000"): the EIP-712 `Attest` and the registry take whole numbers */
        stake_amount: decimalStringSchema
          .regex(/^\d+$/, "expected the stake in the staking token's smallest unit, a whole number (1500 USDC of 6 decimals is 1500000000)")
          .refine((v) => !/^\d+$/.test(v) || (v.length <= 78 && BigInt(v) <= UINT256_MAX), "the stake does not fit the registry's uint256 (at most 2^256 − 1 units)"),
        /** the AuditorStaking contract; default: `certify --staking` */
        stake_contract: address.optional(),
      })
      .strict(),
  })
  .strict()

export type ContainmentConfig = z.infer<typeof containmentConfigSchema>
export type ConfigConstraint = z.infer<typeof configConstraintSchema>
