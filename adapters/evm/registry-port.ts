import { getAddress, zeroAddress } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { toPublishParams } from '../../src/certificate/onchain.ts'
import { BridgeError } from '../../src/errors.ts'
import type { Address, AnchorRequest, Hex, Registry, RegistryEvent, TypedDataSigner } from '../../src/ports.ts'
import { certificateSchema } from '../../src/schema/certificate.ts'
import { getPublishSignatures } from './actions/get-publish-signatures.ts'
import { locateRegistry } from './actions/locate-registry.ts'
import { getActiveCertificate, getCertificateRecord, type CertificateRecord } from './actions/read-registry.ts'
import { revokeCertificate } from './actions/revoke-certificate.ts'
import { stakeAuditor, stakeOf } from './actions/stake-auditor.ts'
import { signPublishParams, submitPublish } from './actions/submit-publish.ts'
import { getRegistryEvents, type RegistryEvent as EvmRegistryEvent } from './actions/watch-registry-events.ts'
import { connectEvm, walletFor, type EvmConnection, type RegistryWalletClient } from './clients.ts'
import { registryError } from './registry-errors.ts'

/** A signer the registry adapter can also send transactions with (it carries its private key). */
export type KeySigner = TypedDataSigner & { readonly privateKey: Hex }

/**
 * A signer for a private key: signs EIP-712 in memory and lets the registry adapter send as that account.
 * @example const operator = keySigner(await loadKey(values['operator-key'], 'operator-key'))
 */
export function keySigner(privateKey: Hex): KeySigner {
  const account = privateKeyToAccount(privateKey)
  return {
    address: account.address,
    privateKey,
    signTypedData: (parameters) => account.signTypedData(parameters as Parameters<typeof account.signTypedData>[0]),
  }
}

/**
 * The `Registry` port over the actions in `./actions/`: reads and writes CCPRegistry at `address`, and the
 * AuditorStaking it is wired to. Every write waits for its receipt; a revert is a `check` error naming the custom error.
 * @example const registry = await evmRegistry('http://127.0.0.1:8545', '0x5FbD…', { fromBlock: 1n })
 */
export async function evmRegistry(rpcUrl: string, address: Address, options: { fromBlock?: bigint } = {}): Promise<Registry & { connection: EvmConnection }> {
  /** where event scans start (the registry's deployment block on a long chain; 0 on a local one) */
  const firstBlock = options.fromBlock ?? 0n
  const connection = await connectEvm(rpcUrl)
  const client = connection.publicClient
  const { registry, staking } = await locateRegistry(client, address)
  const wallet = (signer: TypedDataSigner, action: string): RegistryWalletClient => {
    const key = (signer as Partial<KeySigner>).privateKey
    if (!key) throw new BridgeError('SIGNER_CANNOT_SEND', `${action}: the signer cannot send transactions`, { kind: 'internal' })
    return walletFor(connection, key)
  }
  const latestBlock = () => client.getBlockNumber().catch((cause) => Promise.reject(registryError(cause, 'read the latest block')))
  const published = async () => (await getRegistryEvents(client, registry, { fromBlock: firstBlock })).filter((e) => e.type === 'CertificatePublished')
  const getCertificate = async (certHash: Hex) => (await getCertificateRecord(client, registry, certHash)) ?? undefined

  const anchor = async (request: AnchorRequest, action: string): Promise<{ txHash: Hex }> => {
    const certificate = certificateSchema.parse(request.certificate)
    const params = toPublishParams(certificate, { certHash: request.certHash, ipfsUri: request.uri })
    const operator = wallet(request.operator, action)
    const attestorSigs = certificate.attestations.map((a) => a.signature as Hex)
    const signed = await signPublishParams(operator, client, registry, { params, agent: request.agent, attestorSigs })
    const receipt = await submitPublish(operator, client, registry, signed, action)
    return { txHash: receipt.transactionHash }
  }

  return {
    chainId: connection.chainId,
    address: registry,
    connection,
    publish: (request) => anchor(request, 'publish'),
    renew: async (oldCertHash, request) => {
      const old = await getCertificate(oldCertHash)
      if (!old) throw new BridgeError('CERTIFICATE_NOT_FOUND', `no certificate ${oldCertHash} on the registry`, { kind: 'check' })
      if (getAddress(old.agent) !== getAddress(String(request.certificate.identity?.agent_id ?? ''))) {
        throw new BridgeError('RENEW_OTHER_AGENT', `the successor is for another agent than ${old.agent}`, { kind: 'check' })
      }
      return anchor(request, 'renew')
    },
    revoke: async (certHash, operator) => ({ txHash: (await revokeCertificate(wallet(operator, 'revoke'), client, registry, certHash)).transactionHash }),
    getActiveCertificate: async (agent) => (await getActiveCertificate(client, registry, agent)) ?? undefined,
    getCertificate,
    activeCertificates: async () => {
      const records = await Promise.all((await published()).map((e) => getCertificate(e.certHash)))
      return records.filter((r): r is CertificateRecord => r?.status === 'ACTIVE')
    },
    publishSignatures: async (certHash) => (await getPublishSignatures(client, registry, certHash, { fromBlock: firstBlock })) ?? undefined,
    latestCertificate: async (agent) => (await published()).filter((e) => getAddress(e.agent) === getAddress(agent)).at(-1)?.certHash,
    stakeOf: (auditor, certHash) => stakeOf(client, staking, auditor, certHash),
    stake: async (auditor, certHash, amount) => (await stakeAuditor(wallet(auditor, 'stake'), client, staking, certHash, amount)).transactionHash,
    events: async (afterBlock) => {
      const latest = await latestBlock()
      const from = afterBlock + 1n > firstBlock ? afterBlock + 1n : firstBlock
      if (latest < from) return { events: [], toBlock: afterBlock }
      const events = await getRegistryEvents(client, registry, { fromBlock: from, toBlock: latest })
      return { events: events.map(portEvent), toBlock: latest }
    },
  }
}

const EVENT_KINDS: Partial<Record<EvmRegistryEvent['type'], RegistryEvent['kind']>> = {
  CertificatePublished: 'published',
  CertificateRevoked: 'revoked',
  CertificateExpired: 'expired',
}

/** A decoded registry event as the port's watcher sees it: a renewal is `other` under its new certHash. */
function portEvent(event: EvmRegistryEvent): RegistryEvent {
  const certHash = 'certHash' in event ? event.certHash : event.newCertHash
  return {
    kind: EVENT_KINDS[event.type] ?? 'other',
    certHash,
    agent: 'agent' in event ? event.agent : zeroAddress,
    ...(event.type === 'CertificatePublished' ? { operator: event.operator } : {}),
    blockNumber: event.blockNumber,
    logIndex: event.logIndex,
  }
}
