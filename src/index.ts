/**
 * `cere-ccp-bridge`: the library entry. The pure core only (no sockets, files, clock or randomness; no chain SDK is
 * loaded): the use cases written against the ports, certificate validation and hashing, the evidence verifiers, era
 * reconciliation, the error class and its stable codes, and the zod schemas with their types. The adapters that talk
 * to real systems are the subpath exports `cere-ccp-bridge/evm`, `/node`, `/cere` and `/contracts` (README.md, "Use as a library").
 * @example import { validateCertificate, certificateHash, parseJson } from 'cere-ccp-bridge'
 */

// ── use cases (each takes its ports as arguments: src/ports.ts) ───────────────────────────────────────────────────
export * from './bridge.ts'
export type { Watched, WatchAction, WatchOptions } from './bridge/watch.ts'
export type { VerifyAgentResult } from './verify/verify-agent.ts'
export { applyPolicy } from './verify/policy.ts'
export { concentration, type ConcentrationReport } from './verify/concentration.ts'
export { decide, type Decision, type Reason } from './verify/reasons.ts'
export {
  withStateLock,
  type Address,
  type AnchorRequest,
  type ContentStore,
  type GrantInput,
  type GrantSource,
  type Hex,
  type PublishSignatures,
  type Registry,
  type RegistryClass,
  type RegistryEvent,
  type RegistryRecord,
  type RegistryStatus,
  type StateStore,
  type TypedDataSigner,
  type AttestationStake,
  type BondState,
  type ChallengeKind,
  type ChallengeState,
  type FeeRequestState,
  type LifecycleContracts,
  type LifecycleDeployment,
  type LifecycleState,
  type ReserveState,
  type TokenInfo,
  type TypedDataToCheck,
} from './ports.ts'

// ── certificates: validate every rule, derive metrics, hash, status ───────────────────────────────────────────────
export { validateCertificate, type CertificateValidation, type ValidateOptions } from './certificate/validate.ts'
export { RULE_CODES, RULE_GROUPS, type Rule, type RuleCode, type RuleContext, type RuleViolation } from './certificate/rules/index.ts'
export { agentIndependentSpendingLimits, containmentBound, deriveMetrics, derivedMetricsSection, highestSupportedClass } from './certificate/derive.ts'
export { classRulesHold, type ContainmentBound } from './certificate/class-rules.ts'
export {
  CLASSES,
  CLASS_MAX_VALIDITY_DAYS,
  CLASS_MIN_RESERVE_RATIO,
  CLASS_REQUIRES_ATTESTATION,
  CLASS_REQUIRES_COMPOSITION_ANALYSIS,
  COMPOSITION_SCOPES,
  classMaxValidityMs,
  classToNumber,
} from './certificate/classes.ts'
export { certificateBody, certificateCid, certificateHash, certificateUri, parseCertificateUri } from './certificate/hash.ts'
export { certificateStatus, type OnChainState } from './certificate/status.ts'
export { addressProblem, isValidAddress } from './certificate/address.ts'
export {
  attestMessage,
  boundSpendingLimitContract,
  certificateAttestMessage,
  certKey,
  formatUnits,
  parseUnits,
  publishMessage,
  requiredReserve,
  termsMessage,
  toPublishParams,
  uriDigest,
  uriFromDigest,
  type OnchainAttestation,
  type PublishParams,
  type UnsignedPublishParams,
} from './certificate/onchain.ts'

// ── EIP-712 (the registry's typed signatures), EIP-55, hashing, canonical JSON ───────────────────────────────────
export {
  C3_SCOPES,
  CCP_DOMAIN_NAME,
  CCP_DOMAIN_VERSION,
  attestScopeHash,
  ccpDomain,
  ccpTypes,
  challengesDomain,
  verdictTypes,
  recoverTypedDataSigner,
  type AttestMessage,
  type PublishMessage,
  type TermsMessage,
  type VerdictMessage,
} from './crypto/eip712.ts'
export { checksumAddress, ZERO_ADDRESS } from './crypto/eip55.ts'
export { blake2b256, keccak256, sha256 } from './crypto/hash.ts'
export { canonicalJson, canonicalJsonBytes } from './crypto/canonical-json.ts'
export { merkleLeafHash, merkleNodeHash, merkleRoot, merkleRootFromLeafHashes, inclusionProof, verifyInclusion } from './crypto/merkle.ts'
export { CERE_SS58_PREFIX, publicKeyFromText, toCereAddress } from './crypto/ss58.ts'
export { ed25519Verify } from './crypto/ed25519.ts'
export { sr25519Ready, sr25519Verify } from './crypto/sr25519.ts'

// ── strict JSON / YAML reading (duplicate keys and lone surrogates refused, errors name the place) ────────────────
export { decodeUtf8, parseJson, parseJsonBytes, type JsonOrigin } from './json/parse-json.ts'
export { parseYaml } from './json/parse-yaml.ts'

// ── evidence: GAR grants, DDC / SCP activity records, trail audit, batches, validator rounds ──────────────────────
export { grantHash, verifyGrant } from './consent/verify-grant.ts'
export { signedGrantBytes, type GrantSource as GrantText, type SignedGrantBytes } from './consent/grant-bytes.ts'
export { grantStatus } from './consent/status.ts'
export { scopeLabel, scopeMatches, type RecordScope } from './consent/scope.ts'
export { signatureProblem, verifySignature, type SignatureAlgorithm, type SignatureCheck } from './activity/signature.ts'
export { decodeChallengeResponse, decodeProof, type ChallengeResponse } from './activity/ddc-challenge.ts'
export { decodeActivityRecord, type DdcRecord } from './activity/ddc-record.ts'
export { verifyDdcRecord } from './activity/verify-ddc-record.ts'
export { parseScpRecord, verifySignedRecord, type ScpRecord } from './activity/scp-record.ts'
export { parseNodeAnswer, type NodeAnswer } from './activity/node-answer.ts'
export { decodeRawItem, type RawItem } from './activity/raw-item.ts'
export { type RecordVerification } from './activity/record-verification.ts'
export { trailEntry, type TrailEntry } from './activity/trail-entry.ts'
export { auditTrail, createTrailAuditor, type AuditOptions } from './activity/trail-audit.ts'
export { evaluateRound, quorumThreshold as roundQuorumThreshold, voteMessage, VOTE_TYPE } from './attestation/round.ts'

// ── era settlement reconciliation ────────────────────────────────────────────────────────────────────────────────
export { reconcileEra, reconciliationJson, type Conservation, type PartyLine, type Reconciliation, type ReconcileInput, type Verdict } from './settlement/reconcile.ts'
export { parseEventLines, serializeEventLines, type LocatedEvent } from './settlement/event-lines.ts'
export { eraQuorum, quorumThreshold as eraQuorumThreshold, type QuorumCheck } from './settlement/quorum.ts'
export { renderReconciliationText } from './settlement/render-text.ts'
export { renderReconciliationHtml } from './settlement/render-html.ts'

// ── errors: one class, stable codes ──────────────────────────────────────────────────────────────────────────────
export { BridgeError, errorMessage, formatLocation, type BridgeErrorOptions, type ErrorLocation } from './errors.ts'
export { ERROR_CODES, isBridgeError, type ErrorCode } from './error-codes.ts'

// ── zod schemas and their types ──────────────────────────────────────────────────────────────────────────────────
export * from './schema/certificate.ts'
export * from './schema/config.ts'
export * from './schema/policy.ts'
export * from './schema/evidence-grant.ts'
export * from './schema/evidence-scp.ts'
export * from './schema/evidence-trail.ts'
export * from './schema/settlement.ts'
export * from './schema/settlement-result.ts'
export * from './schema/settlement-cursor.ts'
