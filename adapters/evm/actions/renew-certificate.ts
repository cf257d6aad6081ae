import type { Address, Hash } from 'viem'
import { getAddress } from 'viem'
import { BridgeError } from '../../../src/errors.ts'
import type { RegistryPublicClient, RegistryWalletClient } from '../clients.ts'
import { prepareCertificate, publishCertificate, type PublishCertificateInput, type PublishCertificateResult } from './publish-certificate.ts'
import { getActiveCertificate, getCertificateRecord } from './read-registry.ts'

/**
 * Renewal (seed 004 stage 11): publishes the successor of the agent's active certificate by the same operator;
 * the registry marks the old one EXPIRED. Refuses when the agent has no active certificate of this operator.
 * A retry after a renewal that went through sends nothing and reports `previousCertHash: null`.
 * @example const { previousCertHash, certHash } = await renewCertificate(operatorWallet, publicClient, { registry, document, agent })
 */
export async function renewCertificate(
  walletClient: RegistryWalletClient,
  publicClient: RegistryPublicClient,
  input: PublishCertificateInput,
): Promise<PublishCertificateResult & { previousCertHash: Hash | null }> {
  const { certificate, certHash } = await prepareCertificate(publicClient, input)
  const agent: Address = getAddress(certificate.identity.agent_id)
  const previousCertHash = await getActiveCertificate(publicClient, input.registry, agent)
  const anchored = await getCertificateRecord(publicClient, input.registry, certHash)
  if (anchored && previousCertHash === certHash) {
    // a retry of a renewal that went through: report it, send nothing
    return { ...(await publishCertificate(walletClient, publicClient, input)), previousCertHash: null }
  }
  if (anchored) {
    throw new BridgeError('CERTIFICATE_ALREADY_ANCHORED', `certificate ${certHash} is already anchored (${anchored.status}); a renewal needs a new certificate`, { kind: 'check' })
  }
  if (previousCertHash === null) throw new BridgeError('NOTHING_TO_RENEW', `agent ${agent} has no active certificate to renew; publish it instead`, { kind: 'check' })
  const previous = await getCertificateRecord(publicClient, input.registry, previousCertHash)
  if (previous?.operator !== walletClient.account.address) {
    throw new BridgeError('NOT_YOUR_CERTIFICATE', `the agent's active certificate ${previousCertHash} belongs to operator ${previous?.operator}`, { kind: 'check' })
  }
  const result = await publishCertificate(walletClient, publicClient, input)
  const old = await getCertificateRecord(publicClient, input.registry, previousCertHash)
  if (old?.status !== 'EXPIRED') throw new BridgeError('RENEWAL_NOT_RECORDED', `the registry did not mark ${previousCertHash} EXPIRED`, { kind: 'check', details: `it reads ${old?.status}` })
  return { ...result, previousCertHash }
}
