import { parseEventLogs, type Address, type Hash, type Log } from 'viem'
import type { RegistryPublicClient } from '../clients.ts'
import { className, registryAbi, type RegistryClass } from '../registry-abi.ts'
import { registryError } from '../registry-errors.ts'

/** One registry event, decoded, with where it happened (blockNumber + logIndex: the resume point). */
export type RegistryEvent = { blockNumber: bigint; logIndex: number; transactionHash: Hash } & (
  | { type: 'CertificatePublished'; certHash: Hash; agent: Address; operator: Address; certificateClass: RegistryClass; containmentBound: bigint; expiresAt: number }
  | { type: 'CertificateRevoked'; certHash: Hash; agent: Address }
  | { type: 'CertificateExpired'; certHash: Hash; agent: Address }
  | { type: 'CertificateRenewed'; oldCertHash: Hash; newCertHash: Hash; agent: Address }
  | { type: 'CertificateChallenged'; certHash: Hash; agent: Address }
  | { type: 'ChallengeResolved'; certHash: Hash; agent: Address; upheld: boolean }
  | { type: 'AttestationRecorded'; certHash: Hash; auditor: Address; scope: Hash; stake: bigint }
  | { type: 'CertificateSettled'; certHash: Hash; agent: Address; challengeUpheld: boolean }
)

/**
 * Decodes raw logs of the registry into RegistryEvents (unknown logs are skipped).
 * @example decodeRegistryLogs(receipt.logs)
 */
export function decodeRegistryLogs(logs: Log[]): RegistryEvent[] {
  return parseEventLogs({ abi: registryAbi, logs }).map((log) => {
    const where = { blockNumber: log.blockNumber ?? 0n, logIndex: log.logIndex ?? 0, transactionHash: log.transactionHash ?? ('0x' as Hash) }
    switch (log.eventName) {
      case 'CertificatePublished':
        return { ...where, type: log.eventName, ...log.args, certificateClass: className(log.args.certificateClass) }
      default:
        return { ...where, type: log.eventName, ...log.args } as RegistryEvent
    }
  })
}

/**
 * Reads every registry event from `fromBlock` (inclusive) to the latest block, in chain order: how a watcher resumes.
 * @example const events = await getRegistryEvents(publicClient, registry, { fromBlock: deployBlock })
 */
export async function getRegistryEvents(publicClient: RegistryPublicClient, registry: Address, range: { fromBlock: bigint; toBlock?: bigint }): Promise<RegistryEvent[]> {
  try {
    const logs = await publicClient.getLogs({ address: registry, fromBlock: range.fromBlock, toBlock: range.toBlock ?? 'latest' })
    return decodeRegistryLogs(logs)
  } catch (error) {
    throw registryError(error, 'getLogs')
  }
}

/**
 * Subscribes to the registry's events (polling eth_getLogs); with `fromBlock` it first replays what it missed.
 * Returns the unsubscribe function.
 * @example const stop = watchRegistryEvents(publicClient, registry, { fromBlock: 0n, onEvent: (e) => console.log(e.type) })
 */
export function watchRegistryEvents(
  publicClient: RegistryPublicClient,
  registry: Address,
  handlers: { onEvent: (event: RegistryEvent) => void; onError?: (error: Error) => void; fromBlock?: bigint; pollingIntervalMs?: number },
): () => void {
  return publicClient.watchContractEvent({
    address: registry,
    abi: registryAbi,
    ...(handlers.fromBlock !== undefined ? { fromBlock: handlers.fromBlock } : {}),
    poll: true,
    pollingInterval: handlers.pollingIntervalMs ?? 200,
    onLogs: (logs) => {
      for (const event of decodeRegistryLogs(logs as Log[])) handlers.onEvent(event)
    },
    onError: (error) => handlers.onError?.(registryError(error, 'watch registry events')),
  })
}
