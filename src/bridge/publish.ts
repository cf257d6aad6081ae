import { checksumAddress } from '../crypto/eip55.ts'
import { ccpDomain, ccpTypes, recoverTypedDataSigner } from '../crypto/eip712.ts'
import { certificateHash, certificateUri } from '../certificate/hash.ts'
import { attestMessage, formatUnits, parseUnits, requiredReserve, toPublishParams, type UnsignedPublishParams } from '../certificate/onchain.ts'
import { validateCertificate } from '../certificate/validate.ts'
import { BridgeError } from '../errors.ts'
import { decodeUtf8, parseJson } from '../json/parse-json.ts'
import { withStateLock, type ContentStore, type Hex, type Registry, type RegistryStatus, type StateStore, type TypedDataSigner } from '../ports.ts'
import { certificateSchema, type Certificate } from '../schema/certificate.ts'
import { zodIssues } from '../schema/zod-issues.ts'

/**
 * The steps of a publish, as recorded in the state store under `publish/<certHash>`: the anchor is mined before the
 * document is stored, so a public store never shows a document (its certHash and signatures) that is not anchored yet.
 */
export type PublishState = { certHash: Hex; step: 'started' | 'anchored' | 'stored' | 'verified'; uri?: string; txHash?: Hex; renews?: Hex }

export type PublishInput = {
  /** the exact certificate bytes to store */
  bytes: Uint8Array
  store: ContentStore
  registry: Registry
  state: StateStore
  operator: TypedDataSigner
  agent: TypedDataSigner
  /** the clock the certificate is validated against (the chain's, or `--now`) */
  now: Date
  /** auditors able to bond and lock their stake now when the chain holds less than their attestation claims */
  auditors?: TypedDataSigner[]
  /** deposit the reserve the certificate declares when the vault holds less (default true): the operator's tokens */
  fundReserve?: boolean
  /** renew: the active certificate this one succeeds (the registry marks it EXPIRED) */
  renews?: Hex
  /** fault injection for tests: called after each recorded step */
  afterStep?: (step: PublishState['step']) => Promise<void> | void
}

export type PublishResult = {
  certHash: Hex
  uri: string
  txHash?: Hex
  alreadyAnchored: boolean
  stored: 'written' | 'present'
  /** the reserve locked for it: token, amount (smallest unit), whether this publish deposited it */
  reserve: { token: Hex; symbol: string; decimals: number; amount: bigint; required: bigint; fundedNow: bigint }
  /** each auditor's stake for it (smallest unit of the stake token), and what this publish staked */
  stakes: Array<{ auditor: Hex; staked: bigint; stakedNow: bigint }>
  /** renew: the replaced certificate and the status the registry now gives it */
  replaced?: { certHash: Hex; status: RegistryStatus }
}

/**
 * The publish use case, idempotent, in an order that never reveals a document before its anchor is mined:
 * validate with the core (the registry's chain id, `now`) → check the keys and every attestation signature against this
 * registry → make sure the reserve and the stakes are on chain → anchor (certHash + the document's digest) → store the
 * exact bytes → re-read both and check their hashes. Each step is recorded before the next; a retry after a crash, a
 * timeout or a dropped connection re-reads the chain and never anchors twice. A certificate already anchored and no
 * longer ACTIVE is refused, never reported as published.
 * @example const r = await publish({ bytes, store, registry, state, operator, agent, now })
 */
export async function publish(input: PublishInput): Promise<PublishResult> {
  const certificate = validForPublish(input.bytes, input.registry.chainId, input.now)
  const certHash = certificateHash(certificate)
  const uri = certificateUri(input.bytes)
  const params = toPublishParams(certificate, { certHash, ipfsUri: uri })
  const key = `publish/${certHash}`
  const record = async (state: PublishState) => {
    await input.state.write(key, state)
    await input.afterStep?.(state.step)
  }
  checkKeys(certificate, input)
  if (input.renews && input.renews.toLowerCase() === certHash.toLowerCase()) {
    throw new BridgeError('RENEW_SELF', `--replaces names this very certificate (${certHash}); a renewal replaces an earlier one`, { kind: 'input' })
  }
  return withStateLock(input.state, key, async () => {
    const previous = await input.state.read<PublishState>(key)
    let anchored = await input.registry.getCertificate(certHash)
    const alreadyAnchored = anchored !== undefined
    if (anchored && anchored.status !== 'ACTIVE') {
      throw new BridgeError('CERTIFICATE_NOT_ACTIVE', `certificate ${certHash} is already anchored and is ${anchored.status}: it cannot be published again`, {
        kind: 'check',
        details: 'EXPIRED and REVOKED are final; publish a new certificate (a new certificate_id) instead',
      })
    }
    const replaced = input.renews && !alreadyAnchored ? await checkRenewal(input, certificate) : undefined
    if (!previous) await record({ certHash, step: 'started', ...(input.renews ? { renews: input.renews } : {}) })

    let txHash = previous?.txHash
    const money = await ensureMoney(certificate, params, input, !alreadyAnchored)
    if (!anchored) {
      await checkAttestations(certificate, params, input)
      const request = { certificate, certHash, uri, operator: input.operator, agent: input.agent }
      txHash = (input.renews ? await input.registry.renew(input.renews, request) : await input.registry.publish(request)).txHash
      await record({ certHash, step: 'anchored', uri, txHash, ...(input.renews ? { renews: input.renews } : {}) })
      anchored = await input.registry.getCertificate(certHash)
    } else if (!previous || previous.step === 'started') {
      await record({ certHash, step: 'anchored', uri, ...(txHash ? { txHash } : {}) })
    }

    const existing = await input.store.get(uri)
    if (!existing) {
      const put = await input.store.put(input.bytes)
      if (put.uri !== uri) throw new BridgeError('PUBLISH_URI_CHANGED', `the store filed the document as ${put.uri}, the anchor names ${uri}`, { kind: 'check' })
    }
    await record({ certHash, step: 'stored', uri, ...(txHash ? { txHash } : {}) })

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
    const replacedNow = input.renews ? { certHash: replaced ?? input.renews, status: (await input.registry.getCertificate(input.renews))?.status ?? 'EXPIRED' } : undefined
    await record({ certHash, step: 'verified', uri, ...(txHash ? { txHash } : {}), ...(input.renews ? { renews: input.renews } : {}) })
    return {
      certHash,
      uri,
      ...(txHash ? { txHash } : {}),
      alreadyAnchored,
      stored: existing ? 'present' : 'written',
      ...money,
      ...(replacedNow ? { replaced: replacedNow } : {}),
    }
  })
}

/**
 * Parses the bytes and validates the certificate with the core against the registry's chain and the clock: a
 * certificate `cert validate` rejects, or one that is not ACTIVE at `now`, is refused before anything is sent or stored.
 */
function validForPublish(bytes: Uint8Array, chainId: number, now: Date): Certificate {
  const certificate = parseCertificate(bytes)
  const validation = validateCertificate(certificate, { chainId, now })
  if (!validation.valid) {
    const first = validation.errors[0]!
    throw new BridgeError('CERTIFICATE_INVALID', `refusing to publish: the certificate breaks ${validation.errors.length} rule(s), first ${first.code}: ${first.message}`, {
      kind: 'check',
      path: first.path,
      details: validation.errors.map((e) => `${e.code} at ${e.path}: ${e.message}`).join('; '),
    })
  }
  if (validation.status !== 'ACTIVE') {
    throw new BridgeError('CERTIFICATE_NOT_ACTIVE', `refusing to publish: the certificate is ${validation.status} at ${now.toISOString()}`, { kind: 'check', path: '$.validity' })
  }
  return certificate
}

function checkKeys(certificate: Certificate, input: PublishInput): void {
  if (checksumAddress(certificate.identity.operator_id) !== checksumAddress(input.operator.address)) {
    throw new BridgeError('OPERATOR_MISMATCH', `the operator key is ${input.operator.address}, not the certificate's operator`, { path: '$.identity.operator_id', details: `the certificate names ${certificate.identity.operator_id}` })
  }
  if (checksumAddress(certificate.identity.agent_id) !== checksumAddress(input.agent.address)) {
    throw new BridgeError('AGENT_MISMATCH', `the agent key is ${input.agent.address}, not the certificate's agent`, { path: '$.identity.agent_id', details: `the certificate names ${certificate.identity.agent_id}` })
  }
}

/** renew: the replaced certificate must be this agent's ACTIVE one, from this operator. */
async function checkRenewal(input: PublishInput, certificate: Certificate): Promise<Hex> {
  const old = input.renews!
  const record = await input.registry.getCertificate(old)
  if (!record) throw new BridgeError('CERTIFICATE_NOT_FOUND', `the registry holds no certificate ${old} to renew`, { kind: 'check' })
  if (record.agent.toLowerCase() !== certificate.identity.agent_id.toLowerCase()) {
    throw new BridgeError('RENEW_OTHER_AGENT', `${old} is agent ${record.agent}'s certificate; the successor is for ${certificate.identity.agent_id}`, { kind: 'check' })
  }
  if (record.status !== 'ACTIVE') {
    throw new BridgeError('RENEW_NOT_ACTIVE', `${old} is ${record.status}: a renewal replaces an active certificate`, {
      kind: 'check',
      details: record.status === 'CHALLENGED' ? 'a challenged certificate cannot be replaced until the challenge is decided' : 'publish the new certificate instead',
    })
  }
  if (record.operator.toLowerCase() !== input.operator.address.toLowerCase()) {
    throw new BridgeError('NOT_YOUR_CERTIFICATE', `${old} belongs to operator ${record.operator}`, { kind: 'check' })
  }
  return old
}

/** Each attestation signature must be its auditor's `Attest` for this registry (else the anchor would revert). */
async function checkAttestations(certificate: Certificate, params: UnsignedPublishParams, input: PublishInput): Promise<void> {
  const domain = ccpDomain(input.registry.chainId, input.registry.address)
  for (const [i, attestation] of certificate.attestations.entries()) {
    const message = attestMessage(params, checksumAddress(certificate.identity.operator_id), i)
    const typed = { domain, types: ccpTypes, primaryType: 'Attest', message }
    const signature = attestation.signature as Hex
    const recovered = recoverTypedDataSigner({ ...typed, signature })
    if (recovered?.toLowerCase() === message.auditor.toLowerCase()) continue
    if (await input.registry.verifyTypedData(message.auditor, typed, signature)) continue
    throw new BridgeError('ATTESTATION_SIGNATURE_INVALID', `the attestation of ${message.auditor} is not its Attest signature for registry ${input.registry.address} on chain ${input.registry.chainId}`, {
      kind: 'check',
      path: `$.attestations[${i}].signature`,
      details: 'an Attest signature binds the certHash, agent, operator, class, expiry, bound, scope, stake, the chain and the registry: was the certificate certified for another registry?',
    })
  }
}

/**
 * The money the registry checks on publish: the operator's reserve for this certificate (deposited now from the
 * operator's tokens when `fundReserve` allows and the vault holds less than the certificate declares) and each auditor's
 * bond and stake (locked now for auditors whose keys are at hand). Amounts come from the registry's own params, so a
 * certificate it cannot take fails before anything is sent.
 */
async function ensureMoney(certificate: Certificate, params: UnsignedPublishParams, input: PublishInput, act: boolean): Promise<Pick<PublishResult, 'reserve' | 'stakes'>> {
  const { registry } = input
  const certHash = params.certHash
  const klass = certificate.derived_metrics.certificate_class
  const denomination = certificate.reserve.denomination
  let reserve = await registry.reserveOf(certHash, input.operator.address)
  const token = reserve.token
    ? { token: reserve.token, symbol: reserve.symbol ?? '', decimals: reserve.decimals }
    : (await registry.exogenousTokens()).find((t) => t.symbol === denomination)
  if (!token) {
    throw new BridgeError('RESERVE_TOKEN_UNLISTED', `the deployment lists no exogenous ${denomination} token for the reserve`, { kind: 'check', path: '$.reserve.denomination' })
  }
  const required = requiredReserve(klass, params.containmentBound, token.decimals)
  const declared = parseUnits(certificate.reserve.amount, token.decimals, '$.reserve.amount')
  const target = declared > required ? declared : required
  let fundedNow = 0n
  if (act && reserve.backing < target) {
    if (input.fundReserve === false || (reserve.token !== null && reserve.symbol !== denomination)) {
      throw new BridgeError('RESERVE_NOT_FUNDED', `the vault holds ${formatUnits(reserve.backing, token.decimals)} ${token.symbol} for ${certHash}; the certificate declares ${certificate.reserve.amount} and a ${klass} needs ${formatUnits(required, token.decimals)}`, {
        kind: 'check',
        path: '$.reserve',
        details: 'fund it first: ccp-bridge reserve fund <cert.json>',
      })
    }
    fundedNow = target - reserve.backing
    await registry.fundReserve(input.operator, certHash, token.token, fundedNow)
    reserve = await registry.reserveOf(certHash, input.operator.address)
  }
  const stakes: PublishResult['stakes'] = []
  const minimum = params.attestations.length > 0 ? await registry.minStake(klass) : 0n
  for (const [i, { auditor: auditorId, stake: claimed }] of params.attestations.entries()) {
    if (claimed < minimum) {
      throw new BridgeError('STAKE_BELOW_CLASS_MINIMUM', `attestations[${i}] claims a stake of ${claimed}; this registry's minimum for ${klass} is ${minimum}`, { kind: 'check', path: `$.attestations[${i}].stake_amount` })
    }
    const { bonded, staked } = await registry.attestationOf(auditorId, certHash)
    let stakedNow = 0n
    if (act && staked < claimed) {
      const auditor = input.auditors?.find((a) => a.address.toLowerCase() === auditorId.toLowerCase())
      if (!auditor) {
        throw new BridgeError('AUDITOR_NOT_STAKED', `auditor ${auditorId} has staked ${staked} of the ${claimed} its attestation claims for ${certHash}`, {
          kind: 'check',
          path: `$.attestations[${i}]`,
          details: 'the auditor stakes first (ccp-bridge attest), or pass --auditor-key so publish bonds and stakes for it',
        })
      }
      stakedNow = claimed - staked
      await registry.stake(auditor, certHash, stakedNow)
    } else if (act && !bonded) {
      throw new BridgeError('AUDITOR_NOT_BONDED', `auditor ${auditorId} has staked for ${certHash} but is not a registered (bonded) auditor`, {
        kind: 'check',
        path: `$.attestations[${i}].auditor_id`,
        details: 'its bond fell below the deployment minimum: it must bond again (ccp-bridge attest)',
      })
    }
    stakes.push({ auditor: auditorId, staked: staked + stakedNow, stakedNow })
  }
  return { reserve: { token: token.token, symbol: token.symbol, decimals: token.decimals, amount: reserve.backing, required, fundedNow }, stakes }
}

/**
 * Parses and schema-checks certificate bytes; failures name the JSON path.
 * @example parseCertificate(bytes).identity.agent_id
 */
export function parseCertificate(bytes: Uint8Array, file?: string): Certificate {
  const origin = { ...(file ? { file } : {}), what: 'the certificate', code: 'CERTIFICATE_NOT_JSON' }
  const value = parseJson(decodeUtf8(bytes, origin), origin) // strict: duplicate keys and lone surrogates are refused
  const parsed = certificateSchema.safeParse(value)
  if (!parsed.success) {
    const issue = zodIssues(parsed.error)[0]!
    throw new BridgeError('CERTIFICATE_SCHEMA', `certificate: ${issue.message}`, { ...(file ? { file } : {}), path: issue.path })
  }
  return parsed.data
}
