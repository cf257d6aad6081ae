import { decodeFunctionData, getAddress, parseEventLogs, zeroHash, type Log } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { ccpDomain, ccpTypes } from '../../src/crypto/eip712.ts'
import { BridgeError } from '../../src/errors.ts'
import { certificateSchema } from '../../src/schema/certificate.ts'
import { publishMessage, toPublishParams } from '../../src/certificate/onchain.ts'
import type { Address, AnchorRequest, Hex, PublishSignatures, Registry, RegistryEvent, RegistryRecord, TypedDataSigner } from '../../src/ports.ts'
import { connectEvm, walletFor, type EvmConnection } from '../evm/clients.ts'
import { registryAbi, stakingAbi, STATUS_NAMES } from '../evm/registry-abi.ts'
import { registryError } from '../evm/registry-errors.ts'

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
 * The `Registry` port over viem: reads and writes CCPRegistry at `address`, reads AuditorStaking through it.
 * Every write waits for its receipt; a revert is a `check` error naming the contract's custom error.
 * @example const registry = await evmRegistry('http://127.0.0.1:8545', '0x5FbD…', { fromBlock: 1n })
 */
export async function evmRegistry(rpcUrl: string, address: Address, options: { fromBlock?: bigint } = {}): Promise<Registry & { connection: EvmConnection }> {
  /** where event scans start (the registry's deployment block on a long chain; 0 on a local one) */
  const firstBlock = options.fromBlock ?? 0n
  const connection = await connectEvm(rpcUrl)
  const client = connection.publicClient
  const registry = getAddress(address)
  const code = await client.getCode({ address: registry }).catch((cause) => {
    throw registryError(cause, 'read the registry')
  })
  if (!code || code === '0x') throw new BridgeError('REGISTRY_NOT_FOUND', `no contract at ${registry} on chain ${connection.chainId}`, { kind: 'input', details: 'check --registry' })
  const read = async <T>(functionName: string, args: readonly unknown[], action: string, blockNumber?: bigint): Promise<T> => {
    try {
      return (await client.readContract({ address: registry, abi: registryAbi, functionName: functionName as never, args: args as never, ...(blockNumber !== undefined ? { blockNumber } : {}) })) as T
    } catch (cause) {
      throw registryError(cause, action)
    }
  }
  const send = async (signer: TypedDataSigner, action: string, request: { address: Address; abi: readonly unknown[]; functionName: string; args: readonly unknown[]; value?: bigint }): Promise<Hex> => {
    const key = (signer as Partial<KeySigner>).privateKey
    if (!key) throw new BridgeError('SIGNER_CANNOT_SEND', `${action}: the signer cannot send transactions`, { kind: 'internal' })
    const wallet = walletFor(connection, key)
    try {
      const { request: prepared } = await client.simulateContract({ ...(request as object), account: wallet.account } as never)
      const hash = await wallet.writeContract(prepared as never)
      const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 100 })
      if (receipt.status !== 'success') throw new BridgeError('TX_REVERTED', `${action}: transaction ${hash} reverted`, { kind: 'check' })
      return hash
    } catch (cause) {
      throw registryError(cause, action)
    }
  }
  const stakingAddress = (await read<Address>('staking', [], 'read the staking contract')) as Address

  const anchor = async (request: AnchorRequest, action: string): Promise<{ txHash: Hex }> => {
    const certificate = certificateSchema.parse(request.certificate)
    const unsigned = toPublishParams(certificate, { certHash: request.certHash, ipfsUri: request.uri })
    const domain = ccpDomain(connection.chainId, registry)
    const operatorNonce = await read<bigint>('nonces', [request.operator.address], 'read the operator nonce')
    const agentNonce = getAddress(request.agent.address) === getAddress(request.operator.address) ? operatorNonce : await read<bigint>('nonces', [request.agent.address], 'read the agent nonce')
    const operatorSig = await request.operator.signTypedData({ domain, types: ccpTypes, primaryType: 'Publish', message: publishMessage(unsigned, request.operator.address, operatorNonce) })
    const agentSig = await request.agent.signTypedData({ domain, types: ccpTypes, primaryType: 'Publish', message: publishMessage(unsigned, request.operator.address, agentNonce) })
    const attestorSigs = certificate.attestations.map((a) => a.signature as Hex)
    const txHash = await send(request.operator, action, { address: registry, abi: registryAbi, functionName: 'publish', args: [{ ...unsigned, agentSig }, operatorSig, attestorSigs] })
    return { txHash }
  }

  const getCertificate = async (certHash: Hex): Promise<RegistryRecord | undefined> => {
    let raw: any
    try {
      raw = await client.readContract({ address: registry, abi: registryAbi, functionName: 'getCertificate', args: [certHash] })
    } catch (cause) {
      const error = registryError(cause, 'read a certificate')
      if ((error as { revert?: string }).revert === 'CertificateNotFound') return undefined
      throw error
    }
    const effective = Number(await read<number>('statusOf', [certHash], 'read a certificate status'))
    return {
      certHash,
      operator: raw.operator,
      agent: raw.agent,
      certificateClass: Number(raw.certificateClass),
      issuedAt: Number(raw.issuedAt),
      expiresAt: Number(raw.expiresAt),
      status: STATUS_NAMES[effective] ?? 'ACTIVE',
      containmentBound: BigInt(raw.containmentBound),
      reserveVault: raw.reserveVault,
      spendingLimit: raw.spendingLimit,
      ipfsUri: raw.ipfsUri,
      auditors: [...raw.auditors],
    }
  }

  const logs = async (fromBlock: bigint, toBlock: bigint): Promise<Log[]> => {
    try {
      return await client.getLogs({ address: registry, fromBlock, toBlock })
    } catch (cause) {
      throw registryError(cause, 'read registry events')
    }
  }
  const decoded = (list: Log[]) => parseEventLogs({ abi: registryAbi, logs: list, strict: false }) as unknown as Array<{ eventName: string; args: Record<string, any>; blockNumber: bigint; logIndex: number; transactionHash: Hex }>

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
    revoke: async (certHash, operator) => ({ txHash: await send(operator, 'revoke', { address: registry, abi: registryAbi, functionName: 'revoke', args: [certHash] }) }),
    getActiveCertificate: async (agent) => {
      const hash = await read<Hex>('getActiveCertificate', [agent], 'look up the active certificate')
      return hash === zeroHash ? undefined : hash
    },
    getCertificate,
    activeCertificates: async () => {
      const latest = await client.getBlockNumber()
      const published = decoded(await logs(firstBlock, latest)).filter((e) => e.eventName === 'CertificatePublished')
      const records = await Promise.all(published.map((e) => getCertificate(e.args.certHash as Hex)))
      return records.filter((r): r is RegistryRecord => r !== undefined && r.status === 'ACTIVE')
    },
    publishSignatures: async (certHash): Promise<PublishSignatures | undefined> => {
      const latest = await client.getBlockNumber()
      const event = decoded(await logs(firstBlock, latest)).find((e) => e.eventName === 'CertificatePublished' && e.args.certHash === certHash)
      if (!event) return undefined
      const tx = await client.getTransaction({ hash: event.transactionHash })
      const call = decodeFunctionData({ abi: registryAbi, data: tx.input })
      if (call.functionName !== 'publish') return undefined
      const [params, operatorSig, attestorSigs] = call.args as unknown as [{ agentSig: Hex; agent: Address }, Hex, Hex[]]
      // the nonces in force just before the publishing block (one publish per signer per block in practice)
      const before = event.blockNumber - 1n
      const nonce = await read<bigint>('nonces', [tx.from], 'read the operator nonce', before)
      const agentNonce = getAddress(params.agent) === getAddress(tx.from) ? nonce : await read<bigint>('nonces', [params.agent], 'read the agent nonce', before)
      return { operatorSig, agentSig: params.agentSig, attestorSigs: [...attestorSigs], nonce, agentNonce, txHash: event.transactionHash, operator: tx.from }
    },
    latestCertificate: async (agent) => {
      const latest = await client.getBlockNumber()
      const mine = decoded(await logs(firstBlock, latest)).filter((e) => e.eventName === 'CertificatePublished' && getAddress(e.args.agent) === getAddress(agent))
      return mine.at(-1)?.args.certHash as Hex | undefined
    },
    stakeOf: async (auditor, certHash) => {
      try {
        return (await client.readContract({ address: stakingAddress, abi: stakingAbi, functionName: 'stakeOf', args: [auditor, certHash] })) as bigint
      } catch (cause) {
        throw registryError(cause, 'read a stake')
      }
    },
    stake: (auditor, certHash, amount) => send(auditor, 'stake', { address: stakingAddress, abi: stakingAbi, functionName: 'stake', args: [certHash], value: amount }),
    events: async (afterBlock) => {
      const latest = await client.getBlockNumber()
      const from = afterBlock + 1n > firstBlock ? afterBlock + 1n : firstBlock
      if (latest < from) return { events: [], toBlock: afterBlock }
      const events: RegistryEvent[] = decoded(await logs(from, latest)).map((e) => ({
        kind: e.eventName === 'CertificatePublished' ? 'published' : e.eventName === 'CertificateRevoked' ? 'revoked' : e.eventName === 'CertificateExpired' ? 'expired' : 'other',
        certHash: (e.args.certHash ?? e.args.newCertHash ?? zeroHash) as Hex,
        agent: (e.args.agent ?? '0x0000000000000000000000000000000000000000') as Address,
        ...(e.args.operator ? { operator: e.args.operator as Address } : {}),
        blockNumber: e.blockNumber,
        logIndex: e.logIndex,
      }))
      return { events, toBlock: latest }
    },
  }
}
