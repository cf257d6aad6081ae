/**
 * The ports of the bridge: what the use cases in `src/bridge/` need from the outside world.
 * Adapters in `adapters/` implement them (local folder, DDC, GAR over HTTP, the EVM registry); tests pass in-memory ones.
 */
export type Hex = `0x${string}`
export type Address = `0x${string}`

/**
 * A content-addressed store: `put` returns the `ipfs://<CIDv1 raw sha2-256>` URI of the exact bytes;
 * `get` returns the stored bytes as they are (callers re-hash them) or undefined when absent.
 * @example const { uri } = await store.put(bytes); const back = await store.get(uri)
 */
export interface ContentStore {
  /** a short description for messages, such as `local folder ./store` */
  readonly description: string
  put(bytes: Uint8Array): Promise<{ uri: string; cid: string }>
  get(uri: string): Promise<Uint8Array | undefined>
}

/**
 * A small durable key-value state (publish steps, the watch cursor): every `write` is on disk before it resolves.
 * @example await state.write('publish/0xab…', { step: 'stored' })
 */
export interface StateStore {
  read<T = unknown>(key: string): Promise<T | undefined>
  write(key: string, value: unknown): Promise<void>
  /** keys that start with a prefix, sorted */
  keys(prefix: string): Promise<string[]>
}

/**
 * A GAR grant as received: its exact text (the expanded form's signature covers these very bytes, so it is never
 * re-serialised), with where it came from (a file and JSON path, or a URL).
 */
export type GrantInput = { text: string; origin: string }

/**
 * Where the agent's GAR grants come from: files, or the GAR service over HTTP.
 * @example const grants = await gar.agreements('0x8f3c…')
 */
export interface GrantSource {
  readonly description: string
  /** every agreement of the agent service key (32-byte hex); all of them, active or not */
  agreements(agentServicePublicKey: Hex): Promise<GrantInput[]>
}

/** An EIP-712 signer (a viem LocalAccount fits). */
export interface TypedDataSigner {
  readonly address: Address
  signTypedData(parameters: { domain: any; types: any; primaryType: string; message: any }): Promise<Hex>
}

/** `ICCPRegistry.Status` by name. */
export type RegistryStatus = 'ACTIVE' | 'REVOKED' | 'EXPIRED' | 'CHALLENGED'
/** `ICCPRegistry.CertificateClass` by name (`NONE` is the enum's zero value; the registry never stores it). */
export type RegistryClass = 'NONE' | 'C1' | 'C2' | 'C3'

/** A certificate as the registry holds it (seed 003 `CertificateRecord`); `status` is the effective one (`statusOf`). */
export type RegistryRecord = {
  certHash: Hex
  operator: Address
  agent: Address
  certificateClass: RegistryClass
  issuedAt: number
  expiresAt: number
  status: RegistryStatus
  containmentBound: bigint
  reserveVault: Address
  spendingLimit: Address
  ipfsUri: string
  auditors: Address[]
}

/** The signatures submitted with a publish, read back from the chain. */
export type PublishSignatures = {
  operatorSig: Hex
  agentSig: Hex
  attestorSigs: Hex[]
  /** the operator's nonce the publish consumed */
  nonce: bigint
  /** the agent's nonce the publish consumed (the operator's when the agent is its own operator) */
  agentNonce: bigint
  txHash: Hex
  /** the account that sent the publish */
  operator: Address
}

/** A registry event the watcher follows, in chain order. */
export type RegistryEvent = {
  kind: 'published' | 'revoked' | 'expired' | 'other'
  certHash: Hex
  agent: Address
  operator?: Address
  blockNumber: bigint
  logIndex: number
}

/** What a publish anchors: the certificate and where its document is stored. */
export type AnchorRequest = {
  certificate: Record<string, any>
  certHash: Hex
  uri: string
  operator: TypedDataSigner
  agent: TypedDataSigner
}

/**
 * The on-chain CCP registry (EVM). Writes return once the transaction is mined.
 * @example const hash = await registry.getActiveCertificate(agent)
 */
export interface Registry {
  readonly chainId: number
  readonly address: Address
  publish(request: AnchorRequest): Promise<{ txHash: Hex }>
  /** publishes a successor; the registry marks the old certificate EXPIRED */
  renew(oldCertHash: Hex, request: AnchorRequest): Promise<{ txHash: Hex }>
  revoke(certHash: Hex, operator: TypedDataSigner): Promise<{ txHash: Hex }>
  getActiveCertificate(agent: Address): Promise<Hex | undefined>
  getCertificate(certHash: Hex): Promise<RegistryRecord | undefined>
  /** every certificate the registry currently reports ACTIVE (for the concentration check) */
  activeCertificates(): Promise<RegistryRecord[]>
  /** the operator, agent and auditor signatures of the publish that anchored a certificate */
  publishSignatures(certHash: Hex): Promise<PublishSignatures | undefined>
  /** the stake an auditor locked for a certificate in the staking contract */
  stakeOf(auditor: Address, certHash: Hex): Promise<bigint>
  /** locks `amount` (wei) as the auditor's stake for a certificate */
  stake(auditor: TypedDataSigner, certHash: Hex, amount: bigint): Promise<Hex>
  /** the agent's most recently published certificate, whatever its status */
  latestCertificate(agent: Address): Promise<Hex | undefined>
  /** events in blocks (fromBlock, toBlock]; toBlock is the latest block seen */
  events(afterBlock: bigint): Promise<{ events: RegistryEvent[]; toBlock: bigint }>
}
