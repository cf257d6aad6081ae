import { getAddress } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { ccpDomain, ccpTypes } from '../../../src/crypto/eip712.ts'
import { certificateUri } from '../../../src/certificate/hash.ts'
import { publishMessage, requiredReserve, toPublishParams } from '../../../src/certificate/onchain.ts'
import { certificateSchema } from '../../../src/schema/certificate.ts'
import type { Address, AnchorRequest, ContentStore, GrantInput, GrantSource, Hex, PublishSignatures, Registry, RegistryEvent, RegistryRecord, StateStore, TypedDataSigner } from '../../../src/ports.ts'

/** In-memory ports for unit tests of the use cases (the adapters have their own integration tests). */
export function memoryStore(): ContentStore & { files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>()
  return {
    description: 'memory',
    files,
    async put(bytes) {
      const uri = certificateUri(bytes)
      files.set(uri, new Uint8Array(bytes))
      return { uri, cid: uri.slice('ipfs://'.length) }
    },
    async get(uri) {
      return files.get(uri)
    },
  }
}

export function memoryState(): StateStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>()
  return {
    data,
    async read<T>(key: string) {
      const value = data.get(key)
      return value === undefined ? undefined : (structuredClone(value) as T)
    },
    async write(key, value) {
      data.set(key, JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))))
    },
    async keys(prefix) {
      return [...data.keys()].filter((k) => k.startsWith(prefix)).sort()
    },
  }
}

export function signer(privateKey: Hex): TypedDataSigner {
  const account = privateKeyToAccount(privateKey)
  return { address: account.address, signTypedData: (p) => account.signTypedData(p as never) }
}

/** A GAR in memory: each agreement is served as its exact text (a string as given, an object as compact JSON). */
export function memoryGar(): GrantSource & { agreementsOf: Map<string, unknown[]> } {
  const agreementsOf = new Map<string, unknown[]>()
  return {
    description: 'memory GAR',
    agreementsOf,
    async agreements(key): Promise<GrantInput[]> {
      return (agreementsOf.get(key.replace(/^0x/, '')) ?? []).map((grant, i) => ({ text: typeof grant === 'string' ? grant : JSON.stringify(grant), origin: `memory[${i}]` }))
    },
  }
}

/**
 * A registry in memory with the contract's bookkeeping (records, statuses, events, nonces, stakes) and the same
 * EIP-712 signing as the EVM adapter; `calls` counts writes so tests can assert "anchored once".
 */
export function memoryRegistry(chainId = 31337, address: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3') {
  const records = new Map<Hex, RegistryRecord>()
  const signatures = new Map<Hex, PublishSignatures>()
  const stakes = new Map<string, bigint>()
  /** reserves by `operator/certHash`, in a 6-decimal USDC (the vault's one exogenous token here) */
  const reserves = new Map<string, { amount: bigint }>()
  const usdc = { token: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512' as Address, symbol: 'USDC', decimals: 6 }
  const events: RegistryEvent[] = []
  const calls = { publish: 0, revoke: 0, stake: 0, fund: 0 }
  let block = 1n
  /** the blocks after which a reorg happened: a block's hash changes with each fork below it */
  const forks: bigint[] = []
  const faults: { revoke?: () => void } = {}
  const anchor = async (request: AnchorRequest): Promise<{ txHash: Hex }> => {
    calls.publish++
    if (records.has(request.certHash)) throw new Error(`CertificateAlreadyPublished(${request.certHash})`)
    const cert = certificateSchema.parse(request.certificate)
    const params = toPublishParams(cert, { certHash: request.certHash, ipfsUri: request.uri })
    const domain = ccpDomain(chainId, address)
    const agentSig = await request.agent.signTypedData({ domain, types: ccpTypes, primaryType: 'Publish', message: publishMessage(params, request.operator.address) })
    const reserve = reserves.get(`${request.operator.address.toLowerCase()}/${request.certHash}`)
    if (!reserve || reserve.amount < requiredReserve(cert.derived_metrics.certificate_class, params.containmentBound, 6)) throw new Error(`ReserveInsufficient(${reserve?.amount ?? 0n})`) // as CCPRegistry.publish
    for (const [hash, r] of records) {
      if (r.agent === params.agent && r.status === 'ACTIVE') {
        r.status = 'EXPIRED'
        events.push({ kind: 'expired', certHash: hash, agent: r.agent, blockNumber: block, logIndex: 0 })
      }
    }
    block++
    const txHash = `0x${block.toString(16).padStart(64, '0')}` as Hex
    records.set(request.certHash, {
      certHash: request.certHash,
      operator: getAddress(request.operator.address),
      agent: params.agent,
      certificateClass: cert.derived_metrics.certificate_class,
      issuedAt: params.issuedAt,
      expiresAt: params.expiresAt,
      status: 'ACTIVE',
      containmentBound: params.containmentBound,
      reserveVault: params.reserveVault,
      spendingLimit: params.spendingLimit,
      ipfsUri: request.uri,
      auditors: params.attestations.map((a) => a.auditor),
    })
    signatures.set(request.certHash, { agentSig, attestorSigs: cert.attestations.map((a) => a.signature as Hex), txHash, operator: getAddress(request.operator.address) })
    events.push({ kind: 'published', certHash: request.certHash, agent: params.agent, operator: getAddress(request.operator.address), blockNumber: block, logIndex: 0 })
    return { txHash }
  }
  const registry: Registry = {
    chainId,
    address,
    publish: anchor,
    renew: async (_old, request) => anchor(request),
    revoke: async (certHash) => {
      calls.revoke++
      faults.revoke?.()
      const r = records.get(certHash)
      if (!r || (r.status !== 'ACTIVE' && r.status !== 'CHALLENGED')) throw new Error(`CertificateNotActive(${certHash})`) // as CCPRegistry.revoke
      r.status = 'REVOKED'
      block++
      events.push({ kind: 'revoked', certHash, agent: r.agent, blockNumber: block, logIndex: 0 })
      return { txHash: `0x${block.toString(16).padStart(64, '0')}` as Hex }
    },
    getActiveCertificate: async (agent) => [...records.values()].find((r) => r.agent.toLowerCase() === agent.toLowerCase() && r.status === 'ACTIVE')?.certHash,
    getCertificate: async (certHash) => (records.has(certHash) ? { ...records.get(certHash)! } : undefined),
    activeCertificates: async () => [...records.values()].filter((r) => r.status === 'ACTIVE'),
    publishSignatures: async (certHash) => signatures.get(certHash),
    stakeOf: async (auditor, certHash) => stakes.get(`${auditor.toLowerCase()}/${certHash}`) ?? 0n,
    stake: async (auditor, certHash, amount) => {
      calls.stake++
      const key = `${auditor.address.toLowerCase()}/${certHash}`
      stakes.set(key, (stakes.get(key) ?? 0n) + amount)
      return '0x01' as Hex
    },
    attestationOf: async (auditor, certHash) => ({ bonded: true, staked: stakes.get(`${auditor.toLowerCase()}/${certHash}`) ?? 0n }),
    minStake: async (certificateClass) => ({ C1: 100_000_000n, C2: 1_000_000_000n, C3: 5_000_000_000n })[certificateClass],
    reserveOf: async (certHash, operator) => {
      const reserve = reserves.get(`${operator.toLowerCase()}/${certHash}`)
      return reserve ? { ...usdc, deposited: reserve.amount, backing: reserve.amount, exogenous: true } : { token: null, symbol: null, decimals: 0, deposited: 0n, backing: 0n, exogenous: false }
    },
    fundReserve: async (operator, certHash, _token, amount) => {
      calls.fund++
      const key = `${operator.address.toLowerCase()}/${certHash}`
      reserves.set(key, { amount: (reserves.get(key)?.amount ?? 0n) + amount })
      return '0x02' as Hex
    },
    exogenousTokens: async () => [usdc],
    lifecycle: async (certHash) => {
      const r = records.get(certHash)
      return r ? { status: r.status, terminatedAt: null, graceEndsAt: null, settled: false, challengeOpen: r.status === 'CHALLENGED', challengeUpheld: false } : undefined
    },
    verifyTypedData: async () => false,
    latestCertificate: async (agent) => [...records.values()].filter((r) => r.agent.toLowerCase() === agent.toLowerCase()).at(-1)?.certHash,
    events: async (fromBlock, toBlock = block) => ({ events: events.filter((e) => e.blockNumber >= fromBlock && e.blockNumber <= toBlock), toBlock }),
    blockNumber: async () => block,
    blockHash: async (n) => (n <= block ? (`0x${forks.filter((at) => n > at).length.toString(16).padStart(8, '0')}${n.toString(16).padStart(56, '0')}` as Hex) : undefined),
  }
  /** mines `count` empty blocks */
  const mine = (count = 1) => void (block += BigInt(count))
  /** drops the newest `depth` blocks and their events (not the records they changed); every block after the fork point gets a new hash */
  const reorg = (depth: number) => {
    block -= BigInt(depth)
    forks.push(block)
    for (let i = events.length - 1; i >= 0; i--) if (events[i]!.blockNumber > block) events.splice(i, 1)
  }
  return { registry, records, calls, faults, events, mine, reorg }
}

import { parseScpRecord } from '../../../src/activity/scp-record.ts'
import { BatchSchema, RoundSchema } from '../../../src/schema/evidence-trail.ts'
import { KeysFileSchema } from '../../../src/schema/evidence-scp.ts'
import { containmentConfigSchema } from '../../../src/schema/config.ts'
import YAML from 'yaml'
import type { Scenario } from '../../../fixtures/scripts/scenario.ts'

/** The scenario's evidence decoded in memory, as certify takes it. */
export function scenarioEvidence(scenario: Scenario) {
  const bundle = JSON.parse(scenario.files['trail.json']!)
  return {
    config: containmentConfigSchema.parse(YAML.parse(scenario.files['config.yaml']!)),
    grants: [{ text: scenario.files['grants/calendar.json']!, origin: 'grants/calendar.json' }],
    revokedGrant: JSON.parse(scenario.files['revoked/calendar.json']!),
    trail: {
      records: bundle.records.map((r: unknown, i: number) => parseScpRecord(r, { file: 'trail.json', where: `$.records[${i}]` })),
      batches: bundle.batches.map((b: unknown) => BatchSchema.parse(b)),
      rounds: bundle.rounds.map((r: unknown) => RoundSchema.parse(r)),
    },
    keys: KeysFileSchema.parse(JSON.parse(scenario.files['keys.json']!)),
  }
}
