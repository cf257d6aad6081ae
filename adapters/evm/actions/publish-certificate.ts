import { decodeUtf8, parseJson } from '../../../src/json/parse-json.ts'
import { compactSignatureToSignature, parseCompactSignature, serializeSignature, getAddress, type Address, type Hash, type Hex, type LocalAccount } from 'viem'
import { certificateHash, certificateUri } from '../../../src/certificate/hash.ts'
import { attestMessage, toPublishParams } from '../../../src/certificate/onchain.ts'
import { validateCertificate } from '../../../src/certificate/validate.ts'
import { ccpDomain, ccpTypes } from '../../../src/crypto/eip712.ts'
import { BridgeError } from '../../../src/errors.ts'
import type { Certificate } from '../../../src/schema/certificate.ts'
import type { RegistryPublicClient, RegistryWalletClient } from '../clients.ts'
import { getCertificateRecord, type CertificateRecord } from './read-registry.ts'
import { signAttestation } from './sign-typed.ts'
import { signPublishParams, submitPublish } from './submit-publish.ts'

export type PublishCertificateInput = {
  registry: Address
  /** the stored document: the exact bytes of the certificate JSON whose `ipfs://` URI is anchored */
  document: Uint8Array
  /** the URI the store gave; when present it must equal the URI of `document` */
  uri?: string
  /** the agent's key: the agent co-signs `Publish` (a contract-wallet agent: a signer its ERC-1271 accepts) */
  agent: LocalAccount
  /** auditors' keys, when they sign here; otherwise each attestation's own `signature` is used */
  auditors?: LocalAccount[]
  /** the clock for validation; defaults to the latest block's time (the clock the registry uses) */
  now?: Date
}

export type PublishCertificateResult = {
  certHash: Hash
  uri: string
  /** false when the same certificate was already anchored (a retry): nothing was sent */
  published: boolean
  transactionHash: Hash | null
  blockNumber: bigint | null
  gasUsed: bigint | null
  record: CertificateRecord
}

/**
 * Anchors a stored certificate: validates it with the core (refuses on any violation), maps it to PublishParams,
 * signs `Publish` as operator (the wallet) and agent, uses or makes the auditors' `Attest` signatures, sends
 * `publish`, then reads `getCertificate` back and checks certHash and URI before reporting success. Idempotent.
 * @example const { certHash, uri } = await publishCertificate(operatorWallet, publicClient, { registry, document: bytes, agent })
 */
export async function publishCertificate(
  walletClient: RegistryWalletClient,
  publicClient: RegistryPublicClient,
  input: PublishCertificateInput,
): Promise<PublishCertificateResult> {
  const prepared = await prepareCertificate(publicClient, input)
  const { certificate, certHash, uri } = prepared
  const operator = walletClient.account.address
  const chainId = publicClient.chain.id
  checkSigners(certificate, operator, input.agent.address)

  const existing = await getCertificateRecord(publicClient, input.registry, certHash)
  if (existing) return { certHash, uri, published: false, transactionHash: null, blockNumber: null, gasUsed: null, record: confirmRecord(existing, certHash, uri, certificate) }

  const params = toPublishParams(certificate, { certHash, ipfsUri: uri })
  const attestorSigs = await Promise.all(
    certificate.attestations.map(async (attestation, i) => {
      const message = attestMessage(params, operator, i)
      const signer = input.auditors?.find((a) => a.address === message.auditor)
      const signature = signer ? await signAttestation(signer, { chainId, registry: input.registry, message }) : fullSignature(attestation.signature, i)
      const valid = await publicClient.verifyTypedData({ address: message.auditor, domain: ccpDomain(chainId, input.registry), types: ccpTypes, primaryType: 'Attest', message, signature }).catch(() => false)
      if (!valid) {
        throw new BridgeError('ATTESTATION_SIGNATURE_INVALID', `the attestation of ${message.auditor} is not its Attest signature for this registry`, {
          kind: 'check',
          path: `$.attestations[${i}].signature`,
          details: `an Attest signature binds certHash ${certHash}, the agent, the operator ${operator}, class, expiry, bound, scope, stake, chain ${chainId} and registry ${input.registry}`,
        })
      }
      return signature
    }),
  )
  const signed = await signPublishParams(walletClient, publicClient, input.registry, { params, agent: input.agent, attestorSigs })
  const receipt = await submitPublish(walletClient, publicClient, input.registry, signed)
  const record = await getCertificateRecord(publicClient, input.registry, certHash)
  if (!record) throw new BridgeError('ANCHOR_NOT_FOUND', `publish succeeded but the registry has no certificate ${certHash}`, { kind: 'check', details: `transaction ${receipt.transactionHash}` })
  return { certHash, uri, published: true, transactionHash: receipt.transactionHash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, record: confirmRecord(record, certHash, uri, certificate) }
}

/**
 * Parses and validates the stored document with the core, and computes its certHash and URI.
 * @example const { certificate, certHash, uri } = await prepareCertificate(publicClient, { document, registry })
 */
export async function prepareCertificate(
  publicClient: RegistryPublicClient,
  input: Pick<PublishCertificateInput, 'document' | 'uri' | 'now'>,
): Promise<{ certificate: Certificate; certHash: Hash; uri: string }> {
  const origin = { what: 'the stored certificate document', code: 'CERTIFICATE_NOT_JSON' }
  const json = parseJson(decodeUtf8(input.document, origin), origin) // strict: duplicate keys and lone surrogates are refused
  const chainId = publicClient.chain.id
  const now = input.now ?? new Date(Number((await publicClient.getBlock({ blockTag: 'latest' })).timestamp) * 1000)
  const validation = validateCertificate(json, { chainId, now })
  if (!validation.valid || !validation.certificate) {
    throw new BridgeError('CERTIFICATE_INVALID', `refusing to publish: the certificate breaks ${validation.errors.length} rule(s)`, {
      kind: validation.checked ? 'check' : 'input',
      path: validation.errors[0]?.path,
      details: validation.errors.map((e) => `${e.code} at ${e.path}: ${e.message}`).join('; '),
    })
  }
  if (validation.status !== 'ACTIVE') {
    throw new BridgeError('CERTIFICATE_NOT_ACTIVE', `refusing to publish: the certificate is ${validation.status} at ${now.toISOString()}`, { kind: 'check', path: '$.validity' })
  }
  const uri = certificateUri(input.document)
  if (input.uri !== undefined && input.uri !== uri) {
    throw new BridgeError('URI_MISMATCH', 'the given URI is not the URI of the document bytes', { kind: 'check', details: `given ${input.uri}, the bytes give ${uri}` })
  }
  return { certificate: validation.certificate, certHash: certificateHash(validation.certificate), uri }
}

function checkSigners(certificate: Certificate, operator: Address, agent: Address): void {
  if (getAddress(certificate.identity.operator_id) !== operator) {
    throw new BridgeError('OPERATOR_MISMATCH', `the key given is ${operator}, not the certificate's operator`, { path: '$.identity.operator_id', details: `the certificate names ${certificate.identity.operator_id}` })
  }
  if (getAddress(certificate.identity.agent_id) !== agent) {
    throw new BridgeError('AGENT_MISMATCH', `the agent key given is ${agent}, not the certificate's agent`, { path: '$.identity.agent_id', details: `the certificate names ${certificate.identity.agent_id}` })
  }
}

/** What a reader must see: the record under the core's certHash, with the document's URI, agent and operator. */
function confirmRecord(record: CertificateRecord, certHash: Hash, uri: string, certificate: Certificate): CertificateRecord {
  const problems: string[] = []
  if (record.certHash !== certHash) problems.push(`certHash ${record.certHash} ≠ ${certHash}`)
  if (record.ipfsUri !== uri) problems.push(`ipfsUri ${record.ipfsUri} ≠ ${uri}`)
  if (record.agent !== getAddress(certificate.identity.agent_id)) problems.push(`agent ${record.agent} ≠ ${certificate.identity.agent_id}`)
  if (record.operator !== getAddress(certificate.identity.operator_id)) problems.push(`operator ${record.operator} ≠ ${certificate.identity.operator_id}`)
  if (problems.length > 0) throw new BridgeError('ANCHOR_MISMATCH', `the registry's record of ${certHash} does not match the certificate`, { kind: 'check', details: problems.join('; ') })
  return record
}

/** A 65-byte signature from a 65-byte or 64-byte (EIP-2098) one. */
function fullSignature(signature: string, index: number): Hex {
  if (/^0x[0-9a-fA-F]{130}$/.test(signature)) return signature as Hex
  if (/^0x[0-9a-fA-F]{128}$/.test(signature)) return serializeSignature(compactSignatureToSignature(parseCompactSignature(signature as Hex)))
  throw new BridgeError('ATTESTATION_SIGNATURE_INVALID', 'expected a 64- or 65-byte 0x-hex signature', { path: `$.attestations[${index}].signature` })
}
