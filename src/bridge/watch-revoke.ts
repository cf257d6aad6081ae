import { BridgeError } from '../errors.ts'
import { withStateLock, type Hex, type Registry, type RegistryRecord, type StateStore, type TypedDataSigner } from '../ports.ts'
import type { Retry } from './watch-scan.ts'

/** A revocation the watcher decided: written `pending` before the transaction, `done` after (so a restart finishes it once). */
export type WatchAction = { certHash: Hex; reason: string; state: 'pending' | 'done'; decidedAt?: string; txHash?: Hex; note?: string }

/**
 * Where a revocation stands, for fault injection in tests: `revoke-decided` once the decision is recorded (before the
 * transaction), `revoke-sent` once the transaction is mined (before `done` is recorded).
 */
export type RevokeStep = 'revoke-decided' | 'revoke-sent'

export type RevokePorts = { registry: Registry; state: StateStore; operator: TypedDataSigner }
export type RevokeContext = { retry: Retry; now: Date; afterStep?: ((step: RevokeStep, certHash: Hex) => void | Promise<void>) | undefined }

/** The state key of the watcher's decision about a certificate. */
export const actionKey = (certHash: Hex) => `watch/action/${certHash}`

/**
 * Revokes a certificate exactly once across processes and restarts: under the state store's lock for this
 * certificate, re-reads the decision (another watcher may have acted since this one decided), records it `pending`
 * when new, then revokes unless the registry already shows the certificate ended, and records it `done`. Returns the
 * finished action, or undefined when another watcher had already finished it.
 * @example const done = await revokeOnce(ports, certHash, 'grant 0x… was revoked by the user', { retry, now })
 */
export function revokeOnce(ports: RevokePorts, certHash: Hex, reason: string | undefined, context: RevokeContext): Promise<WatchAction | undefined> {
  return withStateLock(ports.state, `revoke/${certHash}`, async () => {
    const recorded = await ports.state.read<WatchAction>(actionKey(certHash))
    if (recorded?.state === 'done') return undefined
    let action = recorded
    if (!action) {
      if (reason === undefined) return undefined
      action = { certHash, reason, state: 'pending', decidedAt: context.now.toISOString() }
      await ports.state.write(actionKey(certHash), action)
      await context.afterStep?.('revoke-decided', certHash)
    }
    const pending = action
    const done = await context.retry(`revoke ${certHash}`, async (): Promise<WatchAction> => {
      const record = await ports.registry.getCertificate(certHash)
      if (!revocable(record)) return { ...pending, state: 'done', note: `already ${record?.status ?? 'unknown'} on the registry` }
      try {
        const { txHash } = await ports.registry.revoke(certHash, ports.operator)
        return { ...pending, state: 'done', txHash }
      } catch (error) {
        // a refusal because the certificate ended meanwhile (a revocation sent by an earlier attempt) is the same outcome
        if (!(error instanceof BridgeError) || error.kind !== 'check') throw error
        const now = await ports.registry.getCertificate(certHash)
        if (revocable(now)) throw error
        return { ...pending, state: 'done', note: `already ${now?.status ?? 'unknown'} on the registry` }
      }
    })
    if (done.txHash) await context.afterStep?.('revoke-sent', certHash)
    await ports.state.write(actionKey(certHash), done)
    return done
  })
}

/** The registry revokes an ACTIVE or a CHALLENGED certificate (a challenge can resolve back to ACTIVE). */
function revocable(record: RegistryRecord | undefined): boolean {
  return record?.status === 'ACTIVE' || record?.status === 'CHALLENGED'
}
