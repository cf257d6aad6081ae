import { certificateHash, certificateUri } from '../certificate/hash.ts'
import { toPublishParams } from '../certificate/onchain.ts'
import { BridgeError } from '../errors.ts'
import type { ContentStore, Hex, Registry, StateStore, TypedDataSigner } from '../ports.ts'
import { certificateSchema, type Certificate } from '../schema/certificate.ts'
import { zodIssues } from '../schema/zod-issues.ts'

/** The steps of a publish, as recorded in the state store under `publish/<certHash>`. */
export type PublishState = { certHash: Hex; step: 'started' | 'stored' | 'anchored' | 'verified'; uri?: string; txHash?: Hex; renews?: Hex }

export type PublishInput = {
  /** the exact certificate bytes to store */
  bytes: Uint8Array
  store: ContentStore
  registry: Registry
  state: StateStore
  operator: TypedDataSigner
  agent: TypedDataSigner
  /** auditors able to lock their stake now when the chain holds less than their attestation claims */
  auditors?: TypedDataSigner[]
  /** renew: the certificate this one succeeds (the registry marks it EXPIRED) */
  renews?: Hex
  /** fault injection for tests: called after each recorded step */
  afterStep?: (step: PublishState['step']) => Promise<void> | void
}

export type PublishResult = { certHash: Hex; uri: string; txHash?: Hex; alreadyAnchored: boolean; stored: 'written' | 'present' }

/**
 * The publish use case: store the document (content store), then anchor its certHash (registry), idempotently.
 * Each step is recorded before the next; a retry after a crash, timeout or dropped connection re-reads the chain
 * and never anchors twice. Before reporting success it re-reads what it stored and what it anchored and checks both hashes.
 * @example const r = await publish({ bytes, store, registry, state, operator, agent })
 */
export async function publish(input: PublishInput): Promise<PublishResult> {
  const certificate = parseCertificate(input.bytes)
  const certHash = certificateHash(certificate)
  const key = `publish/${certHash}`
  const record = async (state: PublishState) => {
    await input.state.write(key, state)
    await input.afterStep?.(state.step)
  }
  const previous = await input.state.read<PublishState>(key)
  if (!previous) await record({ certHash, step: 'started', ...(input.renews ? { renews: input.renews } : {}) })

  const existingBytes = previous?.uri ? await input.store.get(previous.uri) : undefined
  const { uri } = await input.store.put(input.bytes)
  if (previous?.uri && previous.uri !== uri) throw new BridgeError('PUBLISH_URI_CHANGED', `an earlier attempt stored this certificate as ${previous.uri}, now ${uri}`, { kind: 'check' })
  const stored = existingBytes ? 'present' : 'written'
  if (!previous || previous.step === 'started') await record({ certHash, step: 'stored', uri })

  let anchored = await input.registry.getCertificate(certHash)
  let txHash = previous?.txHash
  const alreadyAnchored = anchored !== undefined
  if (!anchored) {
    await ensureStakes(certificate, certHash, uri, input)
    const request = { certificate, certHash, uri, operator: input.operator, agent: input.agent }
    txHash = (input.renews ? await input.registry.renew(input.renews, request) : await input.registry.publish(request)).txHash
    await record({ certHash, step: 'anchored', uri, txHash })
    anchored = await input.registry.getCertificate(certHash)
  }

  const back = await input.store.get(uri)
  if (!back) throw new BridgeError('PUBLISH_STORE_LOST', `the store no longer holds ${uri}`, { kind: 'io' })
  if (certificateUri(back) !== uri) throw new BridgeError('PUBLISH_STORE_MISMATCH', `the bytes read back from ${uri} hash to another CID`, { kind: 'check' })
  if (certificateHash(parseCertificate(back)) !== certHash) throw new BridgeError('PUBLISH_STORE_MISMATCH', `the document read back from ${uri} has another certHash`, { kind: 'check' })
  if (!anchored) throw new BridgeError('PUBLISH_NOT_ANCHORED', `the registry does not hold ${certHash} after publishing`, { kind: 'io' })
  if (anchored.ipfsUri !== uri) {
    throw new BridgeError('PUBLISH_ANCHOR_MISMATCH', `the registry anchors ${certHash} with URI ${anchored.ipfsUri}, expected ${uri}`, { kind: 'check' })
  }
  if (anchored.agent.toLowerCase() !== certificate.identity.agent_id.toLowerCase()) {
    throw new BridgeError('PUBLISH_ANCHOR_MISMATCH', `the registry anchors ${certHash} for agent ${anchored.agent}, the document names ${certificate.identity.agent_id}`, { kind: 'check' })
  }
  await record({ certHash, step: 'verified', uri, ...(txHash ? { txHash } : {}), ...(input.renews ? { renews: input.renews } : {}) })
  return { certHash, uri, ...(txHash ? { txHash } : {}), alreadyAnchored, stored }
}

/**
 * Locks the stake each attestation claims, for auditors whose key is at hand; refuses clearly otherwise. The amounts are
 * the registry's own params, so a certificate the registry cannot take (a fractional stake, say) fails before any stake is sent.
 */
async function ensureStakes(certificate: Certificate, certHash: Hex, uri: string, input: PublishInput): Promise<void> {
  const { attestations } = toPublishParams(certificate, { certHash, ipfsUri: uri })
  for (const [i, { auditor: auditorId, stake: claimed }] of attestations.entries()) {
    const staked = await input.registry.stakeOf(auditorId, certHash)
    if (staked >= claimed) continue
    const auditor = input.auditors?.find((a) => a.address.toLowerCase() === auditorId.toLowerCase())
    if (!auditor) {
      throw new BridgeError('AUDITOR_NOT_STAKED', `auditor ${auditorId} has staked ${staked} of the ${claimed} its attestation claims for ${certHash}`, {
        kind: 'check',
        path: `$.attestations[${i}]`,
        details: 'the auditor must stake first, or pass --auditor-key so publish stakes for it',
      })
    }
    await input.registry.stake(auditor, certHash, claimed - staked)
  }
}

/**
 * Parses and schema-checks certificate bytes; failures name the JSON path.
 * @example parseCertificate(bytes).identity.agent_id
 */
export function parseCertificate(bytes: Uint8Array, file?: string): Certificate {
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (cause) {
    throw new BridgeError('CERTIFICATE_NOT_JSON', 'the certificate is not UTF-8 JSON', { ...(file ? { file } : {}), cause, details: (cause as Error).message })
  }
  const parsed = certificateSchema.safeParse(value)
  if (!parsed.success) {
    const issue = zodIssues(parsed.error)[0]!
    throw new BridgeError('CERTIFICATE_SCHEMA', `certificate: ${issue.message}`, { ...(file ? { file } : {}), path: issue.path })
  }
  return parsed.data
}

