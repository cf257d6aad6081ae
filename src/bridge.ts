/**
 * The use cases of the bridge, written against src/ports.ts only (one file each under src/bridge/ and src/verify/).
 * @example import { certify, publish, verifyAgent, revoke, watchOnce } from './bridge.ts'
 */
export { certify, type CertifyInput, type CertifyResult, type Refusal, type TrailInput, type CertifiedTrailReport, type ConsentSummary, TRAIL_SCOPE } from './bridge/certify.ts'
export { publish, parseCertificate, type PublishInput, type PublishResult, type PublishState } from './bridge/publish.ts'
export { revoke } from './bridge/revoke.ts'
export { watchOnce, type WatchEvent, type WatchPorts } from './bridge/watch.ts'
export { verifyAgent, type VerifyAgentResult } from './verify/verify-agent.ts'
export { fundReserve, reserveStatus, describeAmount, type ReserveView } from './bridge/reserve.ts'
export { requestAudit } from './bridge/audit-request.ts'
export { attest, type AttestResult } from './bridge/attest.ts'
export { openChallenge, submitVerdict, resolveChallenge, CHALLENGE_KINDS } from './bridge/challenge.ts'
export { settle } from './bridge/settle.ts'
export { certificateLifecycle, type LifecycleView } from './bridge/lifecycle.ts'
