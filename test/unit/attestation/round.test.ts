import { describe, expect, it } from 'vitest'
import { buildRound } from '../../../src/attestation/build-round.ts'
import { evaluateRound, quorumThreshold, voteMessage } from '../../../src/attestation/round.ts'
import { ed25519FromSeed } from '../../../src/crypto/ed25519.ts'
import { sr25519FromSeed, sr25519Ready } from '../../../src/crypto/sr25519.ts'

const validators = [1, 2, 3, 4, 5].map((i) => ed25519FromSeed(new Uint8Array(32).fill(30 + i)))
const outsider = ed25519FromSeed(new Uint8Array(32).fill(40))
const root = `0x${'ab'.repeat(32)}`
const round = (votes: Array<{ signer: (typeof validators)[number]; verdict: 'PASS' | 'FAIL' }>) =>
  buildRound({ cluster: 'dragon-1', era: 412, batch_root: root, assigned: validators.map((v) => v.publicKey), votes })
const pass = (i: number) => ({ signer: validators[i]!, verdict: 'PASS' as const })

describe('validator attestation rounds', () => {
  it('needs ceil(67%) of the assigned set: 4 of 5 passes, 3 of 5 fails', () => {
    expect([1, 2, 3, 5, 10, 100].map(quorumThreshold)).toEqual([1, 2, 3, 4, 7, 67])
    expect(evaluateRound(round([pass(0), pass(1), pass(2), pass(3), { signer: validators[4]!, verdict: 'FAIL' }]))).toMatchObject({ passed: true, agreeing: 4, assigned: 5, threshold: 4 })
    expect(evaluateRound(round([pass(0), pass(1), pass(2), { signer: validators[3]!, verdict: 'FAIL' }]))).toMatchObject({ passed: false, agreeing: 3 })
  })

  it('does not count unassigned voters, duplicate voters or bad signatures', () => {
    const r = round([pass(0), pass(1), pass(2), { signer: outsider, verdict: 'PASS' }, pass(3), pass(3)])
    const result = evaluateRound(r)
    expect(result).toMatchObject({ passed: false, agreeing: 3 })
    expect(result.ignored.map((i) => i.reason)).toEqual(['votes[3]: not in the assigned set', 'duplicate voter: 2 signed votes, none counted'])
    const forged = round([pass(0), pass(1), pass(2), pass(3)])
    forged.votes[3] = { ...forged.votes[3]!, verdict: 'FAIL' } // signature was over PASS
    const forgedResult = evaluateRound(forged)
    expect(forgedResult).toMatchObject({ passed: false, agreeing: 3 })
    expect(forgedResult.ignored[0]!.reason).toMatch(/signature does not verify/)
    const other = round([pass(0), pass(1), pass(2), pass(3)])
    expect(evaluateRound({ ...other, era: 413 }).passed).toBe(false) // votes bind cluster, era and root
    expect(evaluateRound({ ...other, votes: [...other.votes.slice(0, 3), { ...other.votes[3]!, signature: '0x1234' }] }).ignored[0]!.reason).toMatch(/2 bytes, expected 64/)
  })

  it('signs the RFC 8785 canonical vote and verifies sr25519 votes', async () => {
    expect(new TextDecoder().decode(voteMessage({ cluster: 'dragon-1', era: 412, batch_root: root }, 'PASS'))).toBe(
      `{"batch_root":"${root}","cluster":"dragon-1","era":412,"type":"ccp-bridge/validator-vote/v1","verdict":"PASS"}`,
    )
    await sr25519Ready()
    const sr = [1, 2, 3].map((i) => sr25519FromSeed(new Uint8Array(32).fill(50 + i)))
    const r = buildRound({ cluster: 'c', era: 1, batch_root: root, assigned: sr.map((s) => s.publicKey), votes: sr.map((signer) => ({ signer, verdict: 'PASS' as const, algorithm: 'sr25519' as const })) })
    expect(evaluateRound(r)).toMatchObject({ passed: true, agreeing: 3, threshold: 3 })
  })
})
