import { canonicalJsonBytes } from '../crypto/canonical-json.ts'
import { hexToBytes } from '../crypto/bytes.ts'
import { BridgeError } from '../errors.ts'
import type { Round, RoundResult } from '../schema/evidence-trail.ts'
import { normalizeKey } from '../activity/keys.ts'
import { signatureProblem, verifySignature } from '../activity/signature.ts'

/** The type tag inside every signed validator vote. */
export const VOTE_TYPE = 'ccp-bridge/validator-vote/v1'

/**
 * The bytes a validator signs: UTF-8 of the RFC 8785 canonical JSON of
 * `{ type: "ccp-bridge/validator-vote/v1", cluster, era, batch_root, verdict }`.
 * @example voteMessage({ cluster: 'dragon-1', era: 412, batch_root: '0x…' }, 'PASS')
 */
export function voteMessage(round: Pick<Round, 'cluster' | 'era' | 'batch_root'>, verdict: 'PASS' | 'FAIL'): Uint8Array {
  return canonicalJsonBytes({ type: VOTE_TYPE, cluster: round.cluster, era: round.era, batch_root: round.batch_root.toLowerCase(), verdict })
}

/**
 * The number of agreeing assigned validators a round needs: ceil(67% of the assigned set), in integer arithmetic
 * (5 → 4, 3 → 3, 100 → 67).
 * @example quorumThreshold(5) // 4
 */
export function quorumThreshold(assigned: number): number {
  return Math.floor((67 * assigned + 99) / 100)
}

/**
 * Evaluates a validator attestation round: a vote counts when its validator is assigned, voted once with a valid
 * signature; the round passes when at least the threshold of the assigned set voted PASS. A validator with two or
 * more validly signed votes counts for nothing (duplicate voter); unassigned voters and bad signatures are ignored.
 * @example evaluateRound(round).passed // true with 4 valid PASS votes of 5 assigned
 */
export function evaluateRound(round: Round, verify: typeof verifySignature = verifySignature): RoundResult {
  const assigned = [...new Set(round.assigned.map(normalizeKey))]
  const ignored: RoundResult['ignored'] = []
  const validVotes = new Map<string, Array<'PASS' | 'FAIL'>>()
  round.votes.forEach((vote, i) => {
    const validator = normalizeKey(vote.validator)
    if (!assigned.includes(validator)) {
      ignored.push({ validator: `0x${validator}`, reason: `votes[${i}]: not in the assigned set` })
      return
    }
    let signature: Uint8Array
    try {
      signature = hexToBytes(vote.signature)
    } catch (error) {
      ignored.push({ validator: `0x${validator}`, reason: `votes[${i}]: ${(error as BridgeError).shortMessage ?? 'bad signature hex'}` })
      return
    }
    const algorithm = vote.algorithm.toLowerCase()
    const publicKey = Buffer.from(validator, 'hex')
    const problem = signatureProblem(algorithm, publicKey, signature)
    if (problem) {
      ignored.push({ validator: `0x${validator}`, reason: `votes[${i}]: ${problem}` })
      return
    }
    if (!verify(algorithm, signature, voteMessage(round, vote.verdict), publicKey)) {
      ignored.push({ validator: `0x${validator}`, reason: `votes[${i}]: ${algorithm} signature does not verify over the vote` })
      return
    }
    validVotes.set(validator, [...(validVotes.get(validator) ?? []), vote.verdict])
  })
  const counted: string[] = []
  let agreeing = 0
  for (const [validator, verdicts] of validVotes) {
    if (verdicts.length > 1) {
      ignored.push({ validator: `0x${validator}`, reason: `duplicate voter: ${verdicts.length} signed votes, none counted` })
      continue
    }
    counted.push(`0x${validator}`)
    if (verdicts[0] === 'PASS') agreeing++
  }
  const threshold = quorumThreshold(assigned.length)
  return { cluster: round.cluster, era: round.era, batch_root: round.batch_root.toLowerCase(), passed: agreeing >= threshold, agreeing, assigned: assigned.length, threshold, counted, ignored }
}
