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
  /**
   * Runs `fn` holding a named lock that every process sharing this state respects (a PostgreSQL advisory lock), so two
   * bridge processes never anchor or revoke the same certificate at once. Stores that only one process uses may omit it.
   */
  lock?<T>(name: string, fn: () => Promise<T>): Promise<T>
}

/**
 * Runs `fn` under the state store's named lock when it has one.
 * @example await withStateLock(state, `publish/${certHash}`, () => anchorOnce())
 */
export function withStateLock<T>(state: StateStore, name: string, fn: () => Promise<T>): Promise<T> {
  return state.lock ? state.lock(name, fn) : fn()
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

/**
 * The signatures submitted with a publish, read back from its transaction. `agentSig` and `attestorSigs` are absent when
 * the publish was sent through a contract wallet (the calldata is the wallet's): the registry checked them then.
 */
export type PublishSignatures = {
  agentSig?: Hex
  attestorSigs?: Hex[]
  txHash: Hex
  /** the account that sent the transaction */
  operator: Address
}

/** An operator's reserve for a certificate in the reserve vault (amounts in the token's smallest unit). */
export type ReserveState = {
  /** null when nothing was deposited */
  token: Address | null
  symbol: string | null
  decimals: number
  deposited: bigint
  /** the part the vault's real token balance backs (less than `deposited` only when the pool fell short) */
  backing: bigint
  /** the deployment lists the token as exogenous */
  exogenous: boolean
}

/** An auditor's standing for one certificate: registered (bonded) in the staking contract, and its stake for it. */
export type AttestationStake = { bonded: boolean; staked: bigint }

/** Termination, grace, challenge and settlement facts of an anchored certificate (unix seconds, null when not yet). */
export type LifecycleState = {
  status: RegistryStatus
  terminatedAt: number | null
  graceEndsAt: number | null
  settled: boolean
  challengeOpen: boolean
  challengeUpheld: boolean
}

/** EIP-712 typed data to check a signature over (a contract wallet's ERC-1271 answer counts). */
export type TypedDataToCheck = { domain: any; types: any; primaryType: string; message: any }

/**
 * A registry event the watcher follows, in chain order. `kind` says what it does to the certificate `certHash`
 * (`renewed`: certHash is the old certificate, `successor` the new one); an event the bridge does not interpret is
 * `other`, with its `name`.
 */
export type RegistryEvent = {
  kind: 'published' | 'revoked' | 'expired' | 'renewed' | 'challenged' | 'challenge-resolved' | 'settled' | 'other'
  /** the contract's event name, such as `CertificateRevoked` */
  name?: string
  certHash: Hex
  agent: Address
  operator?: Address
  blockNumber: bigint
  logIndex: number
  txHash?: Hex
  /** published: what the event announces */
  certificateClass?: RegistryClass
  containmentBound?: bigint
  expiresAt?: number
  /** renewed: the certificate that replaces `certHash` */
  successor?: Hex
  /** challenge-resolved: true when the challenge was upheld (a revocation follows) */
  upheld?: boolean
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
  /** locks `amount` (smallest unit of the stake token) as the auditor's stake for a certificate, bonding first what its free bond lacks */
  stake(auditor: TypedDataSigner, certHash: Hex, amount: bigint): Promise<Hex>
  /** whether the auditor is a registered (bonded) auditor, and its stake for the certificate */
  attestationOf(auditor: Address, certHash: Hex): Promise<AttestationStake>
  /** the least stake an attestation of the class must claim (a deployment parameter) */
  minStake(certificateClass: 'C1' | 'C2' | 'C3'): Promise<bigint>
  /** the operator's reserve for a certificate in the reserve vault */
  reserveOf(certHash: Hex, operator: Address): Promise<ReserveState>
  /** deposits `amount` of `token` as the operator's reserve for a certificate (filed under keccak256(certHash)) */
  fundReserve(operator: TypedDataSigner, certHash: Hex, token: Address, amount: bigint): Promise<Hex>
  /** the exogenous tokens a reserve may be held in */
  exogenousTokens(): Promise<Array<{ token: Address; symbol: string; decimals: number }>>
  /** termination, grace, challenge and settlement facts; undefined for an unknown certificate */
  lifecycle(certHash: Hex): Promise<LifecycleState | undefined>
  /** whether `signer` signed the typed data: ECDSA for an account without code, ERC-1271 for a contract wallet */
  verifyTypedData(signer: Address, typedData: TypedDataToCheck, signature: Hex): Promise<boolean>
  /** the agent's most recently published certificate, whatever its status */
  latestCertificate(agent: Address): Promise<Hex | undefined>
  /** events in blocks [fromBlock, toBlock] (default: to the newest block), in chain order; `toBlock` is the last block read */
  events(fromBlock: bigint, toBlock?: bigint): Promise<{ events: RegistryEvent[]; toBlock: bigint }>
  /** the newest block's number */
  blockNumber(): Promise<bigint>
  /** the hash of block `number` on the node's current chain (undefined when it has no such block yet): how a watcher sees a reorg */
  blockHash(number: bigint): Promise<Hex | undefined>
}

/** A token as the deployment lists it. */
export type TokenInfo = { token: Address; symbol: string; decimals: number }

/** What a registry is wired to and its deployment parameters (amounts in the stake token's smallest unit, times in seconds). */
export type LifecycleDeployment = {
  registry: Address
  staking: Address
  vault: Address
  escrow: Address
  challenges: Address
  stakeToken: TokenInfo
  exogenousTokens: TokenInfo[]
  minBond: bigint
  minStake: { C1: bigint; C2: bigint; C3: bigint }
  grace: { C1: number; C2: number; C3: number }
  challengeBond: bigint
  verdictThreshold: number
  challengePeriod: number
  governor: Address
  verifierCount: number
}

/** An auditor's bond in the staking contract. */
export type BondState = { free: bigint; locked: bigint; registered: boolean }

/** An audit request in the fee escrow. */
export type FeeRequestState = {
  requestId: Hex
  operator: Address
  auditor: Address
  token: Address
  amount: bigint
  state: 'OPEN' | 'ACCEPTED' | 'CANCELLED' | 'RECLAIMED' | 'PAID' | 'CLAWED_BACK'
  acceptedAt: number
  certKey: Hex
}

/** The challenge types of seed 004; RESERVE_SHORTFALL is judged on chain, the others by the verifier panel. */
export type ChallengeKind = 'RESERVE_SHORTFALL' | 'CONSTRAINT_BYPASS' | 'FALSE_INDEPENDENCE' | 'INVALID_VERIFICATION' | 'SCOPE_NOT_PERFORMED'

/** A challenge as the challenge contract holds it. */
export type ChallengeState = {
  challengeId: bigint
  certHash: Hex
  challenger: Address
  kind: ChallengeKind
  state: 'OPEN' | 'UPHELD' | 'REJECTED'
  openedAt: number
  deadline: number
  upholdVotes: number
  rejectVotes: number
  evidence: Hex
  bond: bigint
  upholders: Address[]
  rejecters: Address[]
}

/**
 * The money and challenge contracts around the registry (seed 004 stages 2, 3, 5, 11, 12): reserve vault, fee escrow,
 * auditor staking, challenges, settlement. Writes return once the transaction is mined.
 * @example const { vault } = await lifecycle.deployment()
 */
export interface LifecycleContracts {
  deployment(): Promise<LifecycleDeployment>
  /** the latest block's time (unix seconds): the clock the contracts use */
  chainTime(): Promise<number>
  tokenBalance(token: Address, account: Address): Promise<bigint>
  withdrawReserve(operator: TypedDataSigner, certHash: Hex): Promise<Hex>
  bondOf(auditor: Address): Promise<BondState>
  bond(auditor: TypedDataSigner, amount: bigint): Promise<Hex>
  unstake(auditor: TypedDataSigner, certHash: Hex): Promise<Hex>
  requestAudit(operator: TypedDataSigner, auditor: Address, token: Address, amount: bigint): Promise<{ requestId: Hex; txHash: Hex }>
  acceptAudit(auditor: TypedDataSigner, requestId: Hex, certHash: Hex): Promise<Hex>
  feeRequest(requestId: Hex): Promise<FeeRequestState | undefined>
  acceptedFee(certHash: Hex, auditor: Address): Promise<FeeRequestState | undefined>
  openChallenge(challenger: TypedDataSigner, certHash: Hex, kind: ChallengeKind, evidence?: Hex): Promise<{ challengeId: bigint; txHash: Hex }>
  submitVerdict(sender: TypedDataSigner, challengeId: bigint, verifier: Address, upheld: boolean, signature: Hex): Promise<Hex>
  resolveChallenge(sender: TypedDataSigner, challengeId: bigint): Promise<Hex>
  challenge(challengeId: bigint): Promise<ChallengeState | undefined>
  challengesOf(certHash: Hex): Promise<ChallengeState[]>
  settle(keeper: TypedDataSigner, certHash: Hex): Promise<Hex>
}
