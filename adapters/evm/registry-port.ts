import { BaseError, BlockNotFoundError, getAddress, zeroAddress } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { toPublishParams } from '../../src/certificate/onchain.ts'
import { BridgeError } from '../../src/errors.ts'
import type { Address, AnchorRequest, Hex, LifecycleContracts, LifecycleDeployment, Registry, RegistryEvent, TypedDataSigner } from '../../src/ports.ts'
import { certificateSchema } from '../../src/schema/certificate.ts'
import { getPublishSignatures } from './actions/get-publish-signatures.ts'
import { locateRegistry } from './actions/locate-registry.ts'
import { getActiveCertificate, getCertificateRecord, getLifecycle, type CertificateRecord } from './actions/read-registry.ts'
import { readDeployment, tokenBalance } from './actions/read-deployment.ts'
import { fundReserve, readReserve, withdrawReserve } from './actions/reserve.ts'
import { revokeCertificate } from './actions/revoke-certificate.ts'
import { bondAuditor, bondOf, stakeAuditor, stakeOf, unstakeAuditor } from './actions/stake-auditor.ts'
import { acceptAudit, acceptedFee, readFeeRequest, requestAudit } from './actions/fee-escrow.ts'
import { challengesOf, openChallenge, readChallenge, resolveChallenge, submitVerdict } from './actions/challenges.ts'
import { settleCertificate } from './actions/settle-certificate.ts'
import { signPublishParams, submitPublish } from './actions/submit-publish.ts'
import { getRegistryEvents, type RegistryEvent as EvmRegistryEvent } from './actions/watch-registry-events.ts'
import { connectEvm, walletFor, type EvmConnection, type RegistryWalletClient } from './clients.ts'
import { stakingAbi } from './registry-abi.ts'
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

/** What `evmRegistry` gives: the `Registry` and `LifecycleContracts` ports over one deployment, and its connection. */
export type EvmRegistry = Registry & LifecycleContracts & { connection: EvmConnection }

/**
 * The `Registry` and `LifecycleContracts` ports over the actions in `./actions/`: CCPRegistry at `address` and the
 * staking, vault, escrow and challenge contracts it is wired to. Every write waits for its receipt; a revert is a
 * `check` error naming the custom error.
 * @example const registry = await evmRegistry('http://127.0.0.1:8545', '0x5FbD…', { fromBlock: 1n })
 */
export async function evmRegistry(rpcUrl: string, address: Address, options: { fromBlock?: bigint } = {}): Promise<EvmRegistry> {
  /** where event scans start (the registry's deployment block on a long chain; 0 on a local one) */
  const firstBlock = options.fromBlock ?? 0n
  const connection = await connectEvm(rpcUrl)
  const client = connection.publicClient
  const { registry, staking, vault, escrow, challenges } = await locateRegistry(client, address)
  const wallet = (signer: TypedDataSigner, action: string): RegistryWalletClient => {
    const key = (signer as Partial<KeySigner>).privateKey
    if (!key) throw new BridgeError('SIGNER_CANNOT_SEND', `${action}: the signer cannot send transactions`, { kind: 'internal' })
    return walletFor(connection, key)
  }
  const latestBlock = () => client.getBlockNumber().catch((cause) => Promise.reject(registryError(cause, 'read the latest block')))
  const published = async () => (await getRegistryEvents(client, registry, { fromBlock: firstBlock })).filter((e) => e.type === 'CertificatePublished')
  const getCertificate = async (certHash: Hex) => (await getCertificateRecord(client, registry, certHash)) ?? undefined
  let deploymentCache: Promise<LifecycleDeployment> | undefined
  const deployment = () => (deploymentCache ??= readDeployment(client, registry))

  const anchor = async (request: AnchorRequest, action: string): Promise<{ txHash: Hex }> => {
    const certificate = certificateSchema.parse(request.certificate)
    const params = toPublishParams(certificate, { certHash: request.certHash, ipfsUri: request.uri })
    const operator = wallet(request.operator, action)
    const attestorSigs = certificate.attestations.map((a) => a.signature as Hex)
    const signed = await signPublishParams(operator, client, registry, { params, agent: request.agent, attestorSigs })
    const receipt = await submitPublish(operator, client, registry, signed, action)
    return { txHash: receipt.transactionHash }
  }

  /** Stakes `amount` for `certHash`, first bonding what the auditor's free bond lacks (and what registration needs). */
  const stake = async (auditor: TypedDataSigner, certHash: Hex, amount: bigint): Promise<Hex> => {
    const { stakeToken, minBond } = await deployment()
    const bond = await bondOf(client, staking, auditor.address)
    const missing = amount > bond.free ? amount - bond.free : 0n
    const forRegistration = bond.free + bond.locked + missing < minBond ? minBond - (bond.free + bond.locked + missing) : 0n
    if (missing + forRegistration > 0n) await bondAuditor(wallet(auditor, 'bond'), client, { staking, stakeToken: stakeToken.token }, missing + forRegistration)
    return (await stakeAuditor(wallet(auditor, 'stake'), client, staking, certHash, amount)).transactionHash
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
    stake,
    attestationOf: async (auditor, certHash) => {
      try {
        const [bonded, staked] = await client.readContract({ address: staking, abi: stakingAbi, functionName: 'attestationOf', args: [auditor, certHash] })
        return { bonded, staked }
      } catch (error) {
        throw registryError(error, 'attestationOf')
      }
    },
    minStake: async (certificateClass) => (await deployment()).minStake[certificateClass],
    reserveOf: (certHash, operator) => readReserve(client, vault, certHash, operator),
    fundReserve: async (operator, certHash, token, amount) => (await fundReserve(wallet(operator, 'fund the reserve'), client, vault, { certHash, token, amount })).transactionHash,
    exogenousTokens: async () => (await deployment()).exogenousTokens,
    lifecycle: async (certHash) => (await getLifecycle(client, registry, certHash)) ?? undefined,
    verifyTypedData: async (signer, typedData, signature) => {
      try {
        return await client.verifyTypedData({ address: signer, ...typedData, signature })
      } catch (error) {
        const failure = registryError(error, 'verify a signature')
        if (failure.kind === 'io') throw failure
        return false
      }
    },
    deployment,
    chainTime: async () => {
      try {
        return Number((await client.getBlock({ blockTag: 'latest' })).timestamp)
      } catch (error) {
        throw registryError(error, 'read the latest block')
      }
    },
    tokenBalance: (token, account) => tokenBalance(client, token, account),
    withdrawReserve: async (operator, certHash) => (await withdrawReserve(wallet(operator, 'withdraw the reserve'), client, vault, certHash)).transactionHash,
    bondOf: (auditor) => bondOf(client, staking, auditor),
    bond: async (auditor, amount) => {
      const { stakeToken } = await deployment()
      return (await bondAuditor(wallet(auditor, 'bond'), client, { staking, stakeToken: stakeToken.token }, amount)).transactionHash
    },
    unstake: async (auditor, certHash) => (await unstakeAuditor(wallet(auditor, 'unstake'), client, staking, certHash)).transactionHash,
    requestAudit: async (operator, auditor, token, amount) => {
      const { requestId, receipt } = await requestAudit(wallet(operator, 'request the audit'), client, escrow, { auditor, token, amount })
      return { requestId, txHash: receipt.transactionHash }
    },
    acceptAudit: async (auditor, requestId, certHash) => (await acceptAudit(wallet(auditor, 'accept the audit request'), client, escrow, requestId, certHash)).transactionHash,
    feeRequest: async (requestId) => (await readFeeRequest(client, escrow, requestId)) ?? undefined,
    acceptedFee: async (certHash, auditor) => (await acceptedFee(client, escrow, certHash, auditor)) ?? undefined,
    openChallenge: async (challenger, certHash, kind, evidence) => {
      const { stakeToken, challengeBond } = await deployment()
      const { challengeId, receipt } = await openChallenge(wallet(challenger, 'open the challenge'), client, { challenges, bondToken: stakeToken.token, bond: challengeBond }, { certHash, kind, ...(evidence ? { evidence } : {}) })
      return { challengeId, txHash: receipt.transactionHash }
    },
    submitVerdict: async (sender, challengeId, verifier, upheld, signature) =>
      (await submitVerdict(wallet(sender, 'submit the verdict'), client, challenges, { challengeId, verifier, upheld, signature })).transactionHash,
    resolveChallenge: async (sender, challengeId) => (await resolveChallenge(wallet(sender, 'resolve the challenge'), client, challenges, challengeId)).transactionHash,
    challenge: async (challengeId) => (await readChallenge(client, challenges, challengeId)) ?? undefined,
    challengesOf: (certHash) => challengesOf(client, challenges, certHash, { fromBlock: firstBlock }),
    settle: async (keeper, certHash) => (await settleCertificate(wallet(keeper, 'settle'), client, registry, certHash)).transactionHash,
    events: async (fromBlock, toBlock) => {
      const to = toBlock ?? (await latestBlock())
      const from = fromBlock > firstBlock ? fromBlock : firstBlock
      if (to < from) return { events: [], toBlock: to }
      const events = await getRegistryEvents(client, registry, { fromBlock: from, toBlock: to })
      return { events: events.flatMap(portEvent), toBlock: to }
    },
    // never viem's cached number (a poll's worth old): a watcher's confirmation depth counts from the node's real head
    blockNumber: () => client.getBlockNumber({ cacheTime: 0 }).catch((cause) => Promise.reject(registryError(cause, 'read the latest block'))),
    blockHash: async (blockNumber) => {
      try {
        return (await client.getBlock({ blockNumber })).hash ?? undefined
      } catch (cause) {
        if (cause instanceof BaseError && cause.walk((e) => e instanceof BlockNotFoundError)) return undefined
        throw registryError(cause, `read block ${blockNumber}`)
      }
    },
  }
}

/** What each registry event does to its certificate; events not listed are `other` (kept, with their name). */
const EVENT_KINDS: Record<string, RegistryEvent['kind']> = {
  CertificatePublished: 'published',
  CertificateRevoked: 'revoked',
  CertificateExpired: 'expired',
  CertificateRenewed: 'renewed',
  CertificateChallenged: 'challenged',
  ChallengeResolved: 'challenge-resolved',
  CertificateSettled: 'settled',
}

/** A decoded registry event as the port's watcher sees it (a renewal under the old certHash); one naming no certificate is dropped. */
function portEvent(event: EvmRegistryEvent): RegistryEvent[] {
  const fields = event as Record<string, unknown>
  const certHash = (fields.certHash ?? fields.oldCertHash) as Hex | undefined
  if (typeof certHash !== 'string') return []
  const upheld = fields.upheld ?? fields.challengeUpheld
  return [
    {
      kind: EVENT_KINDS[event.type] ?? 'other',
      name: event.type,
      certHash,
      agent: typeof fields.agent === 'string' ? (fields.agent as Address) : zeroAddress,
      blockNumber: event.blockNumber,
      logIndex: event.logIndex,
      txHash: event.transactionHash,
      ...(event.type === 'CertificatePublished'
        ? { operator: event.operator, certificateClass: event.certificateClass, containmentBound: event.containmentBound, expiresAt: Number(event.expiresAt) }
        : {}),
      ...(typeof fields.newCertHash === 'string' ? { successor: fields.newCertHash as Hex } : {}),
      ...(typeof upheld === 'boolean' ? { upheld } : {}),
    },
  ]
}
