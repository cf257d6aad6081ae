import { BridgeError } from '../errors.ts'
import type { Hex, LifecycleContracts, LifecycleState, Registry, TypedDataSigner } from '../ports.ts'

/**
 * Stage 12: settles a certificate after termination plus grace with no open challenge (anyone may, once): stakes back to
 * the auditors' bonds, escrowed fees to the auditors (clawed back already when a challenge was upheld), the reserve back
 * to the operator. Refuses with the reason, before sending, when the chain would.
 * @example const { txHash } = await settle({ registry, keeper, certHash })
 */
export async function settle(input: { registry: Registry & LifecycleContracts; keeper: TypedDataSigner; certHash: Hex }): Promise<{ txHash: Hex; lifecycle: LifecycleState }> {
  const { registry, certHash } = input
  const lifecycle = await registry.lifecycle(certHash)
  if (!lifecycle) throw new BridgeError('CERTIFICATE_NOT_FOUND', `the registry holds no certificate ${certHash}`, { kind: 'check' })
  if (lifecycle.settled) throw new BridgeError('ALREADY_SETTLED', `${certHash} was already settled`, { kind: 'check' })
  if (lifecycle.challengeOpen) throw new BridgeError('CHALLENGE_OPEN', `${certHash} is under challenge: settlement waits for the decision`, { kind: 'check' })
  if (lifecycle.status === 'ACTIVE') {
    throw new BridgeError('NOT_TERMINATED', `${certHash} is ACTIVE: settlement comes after expiry, revocation or renewal, plus the grace period`, { kind: 'check' })
  }
  const now = await registry.chainTime()
  if (lifecycle.graceEndsAt !== null && now < lifecycle.graceEndsAt) {
    throw new BridgeError('GRACE_NOT_OVER', `${certHash}'s grace period ends ${new Date(lifecycle.graceEndsAt * 1000).toISOString().replace('.000Z', 'Z')}: challenges are still possible until then`, { kind: 'check' })
  }
  const txHash = await registry.settle(input.keeper, certHash)
  return { txHash, lifecycle: (await registry.lifecycle(certHash))! }
}
