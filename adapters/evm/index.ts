/**
 * The EVM adapter in one import: anvil, clients, deploy, publish/renew/revoke/expire, reads, events, and the money and
 * challenge contracts (reserve vault, fee escrow, auditor staking, challenges, settlement).
 * @example import { startAnvil, connectEvm, walletFor, deployContracts, publishCertificate } from '../adapters/evm/index.ts'
 */
export { startAnvil, isProcessAlive, anvilBinary, type Anvil, type AnvilOptions } from './anvil.ts'
export { devAccounts, DEV_MNEMONIC, type DevAccount } from './dev-accounts.ts'
export { connectEvm, walletFor, evmChain, type EvmConnection, type RegistryPublicClient, type RegistryWalletClient } from './clients.ts'
export {
  registryAbi,
  stakingAbi,
  vaultAbi,
  escrowAbi,
  challengesAbi,
  tokenAbi,
  lifecycleErrorsAbi,
  STATUS_NAMES,
  CLASS_NAMES,
  CHALLENGE_TYPES,
  CHALLENGE_STATES,
  FEE_STATES,
  statusName,
  className,
  type RegistryStatus,
  type RegistryClass,
} from './registry-abi.ts'
export { RegistryRevertError, registryError } from './registry-errors.ts'
export { deployContracts, type DeployedContracts, type DeploymentParameters } from './actions/deploy-contracts.ts'
export { readDeployment, readToken, tokenBalance, type Deployment, type TokenInfo } from './actions/read-deployment.ts'
export { publishCertificate, prepareCertificate, type PublishCertificateInput, type PublishCertificateResult } from './actions/publish-certificate.ts'
export { renewCertificate } from './actions/renew-certificate.ts'
export { revokeCertificate } from './actions/revoke-certificate.ts'
export { expireCertificate } from './actions/expire-certificate.ts'
export { settleCertificate } from './actions/settle-certificate.ts'
export { getCertificateRecord, getActiveCertificate, getLifecycle, isCertificateValid, verifyOnChain, type CertificateRecord, type LifecycleRecord } from './actions/read-registry.ts'
export { signPublish, signAttestation, signVerdict } from './actions/sign-typed.ts'
export { signPublishParams, submitPublish, type SignedPublish } from './actions/submit-publish.ts'
export { bondAuditor, stakeAuditor, unstakeAuditor, unbondAuditor, stakeOf, bondOf, type Bond } from './actions/stake-auditor.ts'
export { fundReserve, withdrawReserve, readReserve, type ReserveRecord } from './actions/reserve.ts'
export { requestAudit, acceptAudit, recoverFee, readFeeRequest, acceptedFee, type FeeRequest } from './actions/fee-escrow.ts'
export { openChallenge, submitVerdict, resolveChallenge, setVerifier, readChallenge, challengesOf, type ChallengeRecord, type ChallengeType } from './actions/challenges.ts'
export { approveToken } from './actions/approve-token.ts'
export { sendContractTransaction, type ContractWrite } from './actions/send-contract-transaction.ts'
export { watchRegistryEvents, getRegistryEvents, decodeRegistryLogs, type RegistryEvent } from './actions/watch-registry-events.ts'
export { getPublishSignatures } from './actions/get-publish-signatures.ts'
export { locateRegistry, type LocatedRegistry } from './actions/locate-registry.ts'
export { evmRegistry, keySigner, type KeySigner, type EvmRegistry } from './registry-port.ts'
export { increaseTime } from './actions/increase-time.ts'
