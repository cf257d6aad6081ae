import { bytesToHex } from '../crypto/bytes.ts'
import type { Round, Vote } from '../schema/evidence-trail.ts'
import type { Signer } from '../consent/build.ts'
import { voteMessage } from './round.ts'

/**
 * Builds a validator attestation round with signed votes (fixtures and the demo scenario).
 * @example buildRound({ cluster: 'dragon-1', era: 412, batch_root, assigned: keys, votes: [{ signer, verdict: 'PASS' }] })
 */
export function buildRound(input: {
  cluster: string
  era: number
  batch_root: string
  assigned: Uint8Array[]
  votes: Array<{ signer: Signer; verdict: 'PASS' | 'FAIL'; algorithm?: 'ed25519' | 'sr25519' }>
}): Round {
  const round = { cluster: input.cluster, era: input.era, batch_root: input.batch_root.toLowerCase() }
  const votes: Vote[] = input.votes.map((v) => ({
    validator: bytesToHex(v.signer.publicKey),
    verdict: v.verdict,
    algorithm: v.algorithm ?? 'ed25519',
    signature: bytesToHex(v.signer.sign(voteMessage(round, v.verdict))),
  }))
  return { type: 'attestation_round', ...round, assigned: input.assigned.map((k) => bytesToHex(k)), votes }
}
