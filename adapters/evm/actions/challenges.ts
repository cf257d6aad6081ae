import { parseEventLogs, type Address, type Hash, type Hex, type TransactionReceipt } from 'viem'
import { BridgeError } from '../../../src/errors.ts'
import type { ChallengeKind, ChallengeState } from '../../../src/ports.ts'
import type { RegistryPublicClient, RegistryWalletClient } from '../clients.ts'
import { CHALLENGE_STATES, CHALLENGE_TYPES, challengesAbi } from '../registry-abi.ts'
import { registryError } from '../registry-errors.ts'
import { approveToken } from './approve-token.ts'
import { sendContractTransaction } from './send-contract-transaction.ts'

export type ChallengeType = ChallengeKind

/** A challenge as CCPChallenges holds it, with the verifiers who signed each verdict (the port's ChallengeState). */
export type ChallengeRecord = ChallengeState

/**
 * Challenges `certHash`, posting the bond (approved first). A RESERVE_SHORTFALL is decided in the same transaction
 * (upheld, or refused with `ReserveNotShort`); other types wait for the panel. Returns the id and the state after it.
 * @example const { challengeId, state } = await openChallenge(wallet, client, { challenges, bondToken, bond }, { certHash, kind: 'RESERVE_SHORTFALL' })
 */
export async function openChallenge(
  walletClient: RegistryWalletClient,
  publicClient: RegistryPublicClient,
  contracts: { challenges: Address; bondToken: Address; bond: bigint },
  challenge: { certHash: Hash; kind: ChallengeType; evidence?: Hash },
): Promise<{ challengeId: bigint; receipt: TransactionReceipt }> {
  await approveToken(walletClient, publicClient, contracts.bondToken, contracts.challenges, contracts.bond)
  const receipt = await sendContractTransaction(
    walletClient,
    publicClient,
    { address: contracts.challenges, abi: challengesAbi, functionName: 'open', args: [challenge.certHash, CHALLENGE_TYPES.indexOf(challenge.kind), challenge.evidence ?? `0x${'0'.repeat(64)}`] },
    'open the challenge',
  )
  const [event] = parseEventLogs({ abi: challengesAbi, logs: receipt.logs, eventName: 'ChallengeOpened' })
  if (!event) throw new BridgeError('CHALLENGE_NOT_OPENED', `no ChallengeOpened in transaction ${receipt.transactionHash}`, { kind: 'check' })
  return { challengeId: event.args.challengeId, receipt }
}

/**
 * Submits a verifier's signed verdict (any wallet may send it); reaching the threshold decides the challenge.
 * @example await submitVerdict(wallet, client, challenges, { challengeId: 1n, verifier, upheld: true, signature })
 */
export function submitVerdict(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, challenges: Address, verdict: { challengeId: bigint; verifier: Address; upheld: boolean; signature: Hex }): Promise<TransactionReceipt> {
  return sendContractTransaction(walletClient, publicClient, { address: challenges, abi: challengesAbi, functionName: 'submitVerdict', args: [verdict.challengeId, verdict.verifier, verdict.upheld, verdict.signature] }, 'submit the verdict')
}

/**
 * Ends a challenge the panel did not decide by its deadline (rejected by default; anyone may send it).
 * @example await resolveChallenge(wallet, client, challenges, 1n)
 */
export function resolveChallenge(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, challenges: Address, challengeId: bigint): Promise<TransactionReceipt> {
  return sendContractTransaction(walletClient, publicClient, { address: challenges, abi: challengesAbi, functionName: 'resolve', args: [challengeId] }, 'resolve the challenge')
}

/**
 * Registers (or retires) a verifier: the governor only.
 * @example await setVerifier(governorWallet, client, challenges, verifier, true)
 */
export function setVerifier(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, challenges: Address, verifier: Address, registered: boolean): Promise<TransactionReceipt> {
  return sendContractTransaction(walletClient, publicClient, { address: challenges, abi: challengesAbi, functionName: registered ? 'addVerifier' : 'removeVerifier', args: [verifier] }, registered ? 'add the verifier' : 'remove the verifier')
}

/**
 * A challenge by id, or null when there is none.
 * @example const challenge = await readChallenge(client, challenges, 1n)
 */
export async function readChallenge(publicClient: RegistryPublicClient, challenges: Address, challengeId: bigint): Promise<ChallengeRecord | null> {
  try {
    const count = await publicClient.readContract({ address: challenges, abi: challengesAbi, functionName: 'challengeCount' })
    if (challengeId < 1n || challengeId > count) return null
    const [c, [upholders, rejecters]] = await Promise.all([
      publicClient.readContract({ address: challenges, abi: challengesAbi, functionName: 'getChallenge', args: [challengeId] }),
      publicClient.readContract({ address: challenges, abi: challengesAbi, functionName: 'votersOf', args: [challengeId] }),
    ])
    return {
      challengeId,
      certHash: c.certHash,
      challenger: c.challenger,
      kind: CHALLENGE_TYPES[c.kind]!,
      state: CHALLENGE_STATES[c.state] as ChallengeState['state'],
      openedAt: Number(c.openedAt),
      deadline: Number(c.deadline),
      upholdVotes: c.upholdVotes,
      rejectVotes: c.rejectVotes,
      evidence: c.evidence,
      bond: c.bond,
      upholders: [...upholders],
      rejecters: [...rejecters],
    }
  } catch (error) {
    throw registryError(error, 'read the challenge')
  }
}

/**
 * Every challenge ever opened against `certHash`, oldest first (from the ChallengeOpened events).
 * @example const history = await challengesOf(client, challenges, certHash, { fromBlock: 0n })
 */
export async function challengesOf(publicClient: RegistryPublicClient, challenges: Address, certHash: Hash, range: { fromBlock: bigint }): Promise<ChallengeRecord[]> {
  let logs
  try {
    logs = await publicClient.getContractEvents({ address: challenges, abi: challengesAbi, eventName: 'ChallengeOpened', args: { certHash }, fromBlock: range.fromBlock, toBlock: 'latest' })
  } catch (error) {
    throw registryError(error, 'read the challenges')
  }
  const records = await Promise.all(logs.map((log) => readChallenge(publicClient, challenges, log.args.challengeId!)))
  return records.filter((r): r is ChallengeRecord => r !== null)
}
