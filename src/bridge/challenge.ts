import { challengesDomain, verdictTypes } from '../crypto/eip712.ts'
import { formatUnits, requiredReserve } from '../certificate/onchain.ts'
import { BridgeError } from '../errors.ts'
import type { ChallengeKind, ChallengeState, Hex, LifecycleContracts, Registry, RegistryRecord, TypedDataSigner } from '../ports.ts'

/** The challenge types, as the command line names them. */
export const CHALLENGE_KINDS: readonly ChallengeKind[] = ['RESERVE_SHORTFALL', 'CONSTRAINT_BYPASS', 'FALSE_INDEPENDENCE', 'INVALID_VERIFICATION', 'SCOPE_NOT_PERFORMED']

type Ports = Registry & LifecycleContracts

/**
 * Challenges a certificate, posting the deployment's bond. Refuses before sending anything when the chain would:
 * unknown, settled, already challenged or upheld, past its grace period, a RESERVE_SHORTFALL where the vault is not short
 * (judged from the vault, never from a number the challenger gives), a panel smaller than the threshold, too little
 * bond token. A RESERVE_SHORTFALL is decided in the same transaction.
 * @example const { challenge } = await openChallenge({ registry, challenger, certHash, kind: 'RESERVE_SHORTFALL' })
 */
export async function openChallenge(input: { registry: Ports; challenger: TypedDataSigner; certHash: Hex; kind: ChallengeKind; evidence?: Hex }): Promise<{ challenge: ChallengeState; txHash: Hex; record: RegistryRecord }> {
  const { registry, certHash } = input
  const record = await existing(registry, certHash)
  const lifecycle = (await registry.lifecycle(certHash))!
  const deployment = await registry.deployment()
  if (lifecycle.settled) throw refusal('ALREADY_SETTLED', `${certHash} was settled: it can no longer be challenged`)
  if (lifecycle.challengeUpheld) throw refusal('CHALLENGE_ALREADY_UPHELD', `a challenge against ${certHash} was already upheld`)
  if (lifecycle.challengeOpen) {
    const open = (await registry.challengesOf(certHash)).find((c) => c.state === 'OPEN')
    throw refusal('CHALLENGE_ALREADY_OPEN', `${certHash} is already under challenge${open ? ` ${open.challengeId} (${open.kind}, deadline ${iso(open.deadline)})` : ''}`)
  }
  const now = await registry.chainTime()
  if (lifecycle.status !== 'ACTIVE' && lifecycle.graceEndsAt !== null && now >= lifecycle.graceEndsAt) {
    throw refusal('CHALLENGE_WINDOW_CLOSED', `${certHash} is ${lifecycle.status} and its grace period ended ${iso(lifecycle.graceEndsAt)}`)
  }
  if (input.kind === 'RESERVE_SHORTFALL') {
    const reserve = await registry.reserveOf(certHash, record.operator)
    const required = requiredReserve(record.certificateClass as 'C1' | 'C2' | 'C3', record.containmentBound, reserve.decimals)
    const backing = reserve.exogenous ? reserve.backing : 0n
    const amount = (value: bigint) => `${formatUnits(value, reserve.decimals)} ${reserve.symbol ?? ''}`.trimEnd()
    if (backing >= required) throw refusal('RESERVE_NOT_SHORT', `the vault backs ${amount(backing)} of the ${amount(required)} the certificate's class requires: no shortfall`)
  } else if (deployment.verifierCount < deployment.verdictThreshold) {
    throw refusal('PANEL_TOO_SMALL', `${deployment.verifierCount} registered verifier(s), a decision needs ${deployment.verdictThreshold}`)
  }
  const balance = await registry.tokenBalance(deployment.stakeToken.token, input.challenger.address)
  if (balance < deployment.challengeBond) {
    const { symbol, decimals } = deployment.stakeToken
    throw refusal('BOND_INSUFFICIENT', `the challenger holds ${formatUnits(balance, decimals)} ${symbol}; the bond is ${formatUnits(deployment.challengeBond, decimals)} ${symbol}`)
  }
  const { challengeId, txHash } = await registry.openChallenge(input.challenger, certHash, input.kind, input.evidence)
  return { challenge: (await registry.challenge(challengeId))!, txHash, record: (await registry.getCertificate(certHash))! }
}

/**
 * A panel verifier signs its EIP-712 `Verdict` and sends it (or `sender` does): reaching the threshold decides.
 * @example await submitVerdict({ registry, verifier, challengeId: 1n, upheld: true })
 */
export async function submitVerdict(input: { registry: Ports; verifier: TypedDataSigner; sender?: TypedDataSigner; challengeId: bigint; upheld: boolean }): Promise<{ challenge: ChallengeState; txHash: Hex; signature: Hex }> {
  const { registry } = input
  const challenge = await openOne(registry, input.challengeId)
  if (challenge.kind === 'RESERVE_SHORTFALL') throw refusal('JUDGED_ON_CHAIN', `challenge ${input.challengeId} is a RESERVE_SHORTFALL: the chain judges it, not the panel`)
  const now = await registry.chainTime()
  if (now >= challenge.deadline) throw refusal('CHALLENGE_DEADLINE_PASSED', `challenge ${input.challengeId}'s deadline passed ${iso(challenge.deadline)}: resolve it`)
  const { challenges } = await registry.deployment()
  const signature = await input.verifier.signTypedData({
    domain: challengesDomain(registry.chainId, challenges),
    types: verdictTypes,
    primaryType: 'Verdict',
    message: { challengeId: input.challengeId, certHash: challenge.certHash, upheld: input.upheld },
  })
  const txHash = await registry.submitVerdict(input.sender ?? input.verifier, input.challengeId, input.verifier.address, input.upheld, signature)
  return { challenge: (await registry.challenge(input.challengeId))!, txHash, signature }
}

/**
 * Ends a challenge the panel did not decide by its deadline: rejected by default (anyone may send it).
 * @example await resolveChallenge({ registry, sender, challengeId: 1n })
 */
export async function resolveChallenge(input: { registry: Ports; sender: TypedDataSigner; challengeId: bigint }): Promise<{ challenge: ChallengeState; txHash: Hex }> {
  const challenge = await openOne(input.registry, input.challengeId)
  const now = await input.registry.chainTime()
  if (now < challenge.deadline) {
    throw refusal('CHALLENGE_UNDECIDED', `challenge ${input.challengeId} is open until ${iso(challenge.deadline)} (${challenge.upholdVotes} uphold, ${challenge.rejectVotes} reject verdicts); it resolves by verdicts or after its deadline`)
  }
  const txHash = await input.registry.resolveChallenge(input.sender, input.challengeId)
  return { challenge: (await input.registry.challenge(input.challengeId))!, txHash }
}

async function existing(registry: Registry, certHash: Hex): Promise<RegistryRecord> {
  const record = await registry.getCertificate(certHash)
  if (!record) throw refusal('CERTIFICATE_NOT_FOUND', `the registry holds no certificate ${certHash}`)
  return record
}

async function openOne(registry: Ports, challengeId: bigint): Promise<ChallengeState> {
  const challenge = await registry.challenge(challengeId)
  if (!challenge) throw refusal('CHALLENGE_NOT_FOUND', `no challenge ${challengeId}`)
  if (challenge.state !== 'OPEN') throw refusal('CHALLENGE_NOT_OPEN', `challenge ${challengeId} was already decided: ${challenge.state}`)
  return challenge
}

function refusal(code: string, message: string): BridgeError {
  return new BridgeError(code, message, { kind: 'check' })
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')
}
