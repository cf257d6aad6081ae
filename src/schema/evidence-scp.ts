import { z } from 'zod'
import { IsoTime } from './evidence-grant.ts'

/** The three roles that must sign every SCP agent record (seed 000). */
export const SCP_ROLES = ['agent-derived-key', 'orchestrator', 'agent-runtime'] as const
export const ScpRoleSchema = z.enum(SCP_ROLES)
export type ScpRole = z.infer<typeof ScpRoleSchema>

const Hex32 = /^(0x)?[0-9a-fA-F]{64}$/

/**
 * The SCP agent activity record payload (seed 000), the JSON every role signs as exact bytes.
 * @example ScpPayloadSchema.parse({ record_id: 'dac-1', agent: 'ed25519:…', vault_scope: 'v-1 / calendar', … })
 */
export const ScpPayloadSchema = z.looseObject({
  record_id: z.string().min(1),
  agent: z.string().regex(/^(ed25519:)?(0x)?[0-9a-fA-F]{64}$/, 'expected "ed25519:<hex 32 bytes>"'),
  vault_scope: z.string().regex(/^.+ \/ .+$/, 'expected "<vaultId> / <scopeId>"'),
  operation: z.string().min(1),
  compute: z.looseObject({
    cpu_ms: z.number().int().nonnegative(),
    gpu_units: z.number().nonnegative(),
  }),
  result_hash: z.string().regex(/^blake2:(0x)?[0-9a-fA-F]{64}$/, 'expected "blake2:<hex 32 bytes>"'),
  timestamp: IsoTime,
  bytes: z.number().int().nonnegative().optional(),
  cluster: z.string().optional(),
  era: z.number().int().nonnegative().optional(),
})
export type ScpPayload = z.infer<typeof ScpPayloadSchema>

/** One role's signature over the payload bytes. */
export const ScpSignatureSchema = z.object({
  role: z.string(),
  algorithm: z.string(),
  signer: z.string().min(1),
  value: z.string(),
})
export type ScpSignature = z.infer<typeof ScpSignatureSchema>

/** The SCP record envelope: `{ payload: base64url(UTF-8 JSON), signatures: [...] }`. */
export const ScpEnvelopeSchema = z.object({
  payload: z.string(),
  signatures: z.array(ScpSignatureSchema),
})
export type ScpEnvelope = z.infer<typeof ScpEnvelopeSchema>

/** The keys file the orchestrator publishes: per agent key, the public key registered for each role. */
export const KeysFileSchema = z.object({
  agents: z.record(
    z.string().regex(/^(ed25519:)?(0x)?[0-9a-fA-F]{64}$/, 'expected an agent key as hex or ed25519:hex'),
    z.object({
      'agent-derived-key': z.string().regex(Hex32, 'expected a 32-byte hex public key'),
      orchestrator: z.string().regex(Hex32, 'expected a 32-byte hex public key'),
      'agent-runtime': z.string().regex(Hex32, 'expected a 32-byte hex public key'),
    }),
  ),
})
export type KeysFile = z.infer<typeof KeysFileSchema>
