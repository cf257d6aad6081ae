import { BridgeError } from '../errors.ts'
import type { Hex, Registry, TypedDataSigner } from '../ports.ts'

/**
 * The revoke use case: the operator revokes a certificate; an already revoked one is reported, not re-sent.
 * @example const r = await revoke({ certHash, registry, operator })
 */
export async function revoke(input: { certHash: Hex; registry: Registry; operator: TypedDataSigner }): Promise<{ certHash: Hex; txHash?: Hex; already: boolean }> {
  const record = await input.registry.getCertificate(input.certHash)
  if (!record) throw new BridgeError('CERTIFICATE_NOT_FOUND', `the registry holds no certificate ${input.certHash}`, { kind: 'check' })
  if (record.status === 'REVOKED') return { certHash: input.certHash, already: true }
  if (record.operator.toLowerCase() !== input.operator.address.toLowerCase()) {
    throw new BridgeError('NOT_OPERATOR', `only the operator ${record.operator} may revoke ${input.certHash}`, { kind: 'check' })
  }
  if (record.status !== 'ACTIVE' && record.status !== 'CHALLENGED') {
    throw new BridgeError('CERTIFICATE_NOT_ACTIVE', `${input.certHash} is ${record.status}; only an active certificate can be revoked`, { kind: 'check' })
  }
  const { txHash } = await input.registry.revoke(input.certHash, input.operator)
  return { certHash: input.certHash, txHash, already: false }
}
