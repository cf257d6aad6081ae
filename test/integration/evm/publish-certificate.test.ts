import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createTestClient, http, keccak256, parseEther, stringToBytes, type Address } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { certificateHash, certificateUri } from '../../../src/certificate/hash.ts'
import { BridgeError } from '../../../src/errors.ts'
import { walletFor } from '../../../adapters/evm/clients.ts'
import { deployContracts } from '../../../adapters/evm/actions/deploy-contracts.ts'
import { publishCertificate } from '../../../adapters/evm/actions/publish-certificate.ts'
import { renewCertificate } from '../../../adapters/evm/actions/renew-certificate.ts'
import { revokeCertificate } from '../../../adapters/evm/actions/revoke-certificate.ts'
import { bondAuditor, stakeAuditor } from '../../../adapters/evm/actions/stake-auditor.ts'
import { fundReserve } from '../../../adapters/evm/actions/reserve.ts'
import { sendContractTransaction } from '../../../adapters/evm/actions/send-contract-transaction.ts'
import { tokenAbi } from '../../../adapters/evm/registry-abi.ts'
import { getActiveCertificate, getCertificateRecord } from '../../../adapters/evm/actions/read-registry.ts'
import { startDevnet, type Devnet } from '../../support/anvil.ts'
import { expectRevert } from './expect-revert.ts'

/** fixtures/scripts/certificates.ts derives every fixture key from its name this way. */
const fixtureKey = (name: string) => keccak256(stringToBytes(`ccp-bridge fixture key: ${name}`))
const fixture = (name: string) => new Uint8Array(readFileSync(fileURLToPath(new URL(`../../../fixtures/certificates/${name}`, import.meta.url))))
const operatorKey = fixtureKey('operator')
const agent = privateKeyToAccount(fixtureKey('agent'))
const auditorOne = privateKeyToAccount(fixtureKey('auditor-one'))
const auditorTwo = privateKeyToAccount(fixtureKey('auditor-two'))
/** 2026-04-02T00:00:00Z: the fixtures are issued 2026-04-01 */
const GENESIS = Date.parse('2026-04-02T00:00:00Z') / 1000
const USDC = 1_000_000n

describe('publishCertificate: core validation + registry, on anvil', () => {
  let devnet: Devnet
  let registry: Address
  beforeAll(async () => {
    devnet = await startDevnet({ timestamp: GENESIS })
    registry = devnet.contracts.registry
    // the fixture certificates' attestations are signed for the registry that account 0 deploys first on a fresh chain
    expect(registry).toBe('0x5FbDB2315678afecb367f032d93F642f64180aa3')
    const testClient = createTestClient({ mode: 'anvil', chain: devnet.connection.chain, transport: http(devnet.anvil.rpcUrl) })
    for (const address of [privateKeyToAccount(operatorKey).address, auditorOne.address, auditorTwo.address]) {
      await testClient.setBalance({ address, value: parseEther('10') })
      await sendContractTransaction(devnet.wallet(0), devnet.connection.publicClient, { address: devnet.contracts.stakeToken, abi: tokenAbi, functionName: 'mint', args: [address, 1_000_000n * USDC] }, 'mint')
    }
    for (const key of [fixtureKey('auditor-one'), fixtureKey('auditor-two')]) {
      await bondAuditor(walletFor(devnet.connection, key), devnet.connection.publicClient, { staking: devnet.contracts.staking, stakeToken: devnet.contracts.stakeToken }, 20_000n * USDC)
    }
  })
  /** the fixture operator funds the reserve a fixture certificate declares (150000 USDC for valid-c2) */
  const fund = async (certHash: `0x${string}`, amount: bigint) =>
    fundReserve(walletFor(devnet.connection, operatorKey), devnet.connection.publicClient, devnet.contracts.vault, { certHash, token: devnet.contracts.stakeToken, amount })
  afterAll(async () => {
    await devnet?.stop()
  })
  const client = () => devnet.connection.publicClient
  const operator = () => walletFor(devnet.connection, operatorKey)

  it('refuses a certificate whose core validation fails, and sends nothing', async () => {
    const document = fixture('rules/reserve-ratio-below-class-min.json')
    const error = await publishCertificate(operator(), client(), { registry, document, agent }).then(() => null, (e: unknown) => e)
    expect(error).toBeInstanceOf(BridgeError)
    expect((error as BridgeError).code).toBe('CERTIFICATE_INVALID')
    expect((error as BridgeError).details).toContain('RESERVE_RATIO_BELOW_CLASS_MIN')
    expect(await getActiveCertificate(client(), registry, agent.address)).toBeNull()
  })

  it('refuses a key that is not the certificate operator or agent', async () => {
    const document = fixture('valid-c1.json')
    await expect(publishCertificate(devnet.wallet(1), client(), { registry, document, agent })).rejects.toMatchObject({ code: 'OPERATOR_MISMATCH', path: '$.identity.operator_id' })
    await expect(publishCertificate(operator(), client(), { registry, document, agent: auditorOne })).rejects.toMatchObject({ code: 'AGENT_MISMATCH' })
    await expect(publishCertificate(operator(), client(), { registry, document, agent, uri: 'ipfs://bafkreiother' })).rejects.toMatchObject({ code: 'URI_MISMATCH' })
  })

  it('an unfunded reserve and an unstaked auditor are refused on chain', async () => {
    const document = fixture('valid-c2.json')
    const certHash = certificateHash(JSON.parse(new TextDecoder().decode(document)))
    await expectRevert(publishCertificate(operator(), client(), { registry, document, agent }), 'ReserveNotFunded')
    await fund(certHash, 150_000n * USDC)
    await expectRevert(publishCertificate(operator(), client(), { registry, document, agent }), 'AuditorNotStaked')
  })

  it('publishes C2: the on-chain record carries the core certHash and the document URI; a retry sends nothing', async () => {
    const document = fixture('valid-c2.json')
    const certificate = JSON.parse(new TextDecoder().decode(document))
    const certHash = certificateHash(certificate)
    await stakeAuditor(walletFor(devnet.connection, fixtureKey('auditor-one')), client(), devnet.contracts.staking, certHash, 1_500n * USDC)

    const result = await publishCertificate(operator(), client(), { registry, document, agent })
    expect(result.published).toBe(true)
    expect(result.certHash).toBe(certHash)
    expect(result.uri).toBe(certificateUri(document))
    expect(result.gasUsed).toBeGreaterThan(0n)
    expect(result.record).toMatchObject({
      certHash,
      operator: certificate.identity.operator_id,
      agent: certificate.identity.agent_id,
      certificateClass: 'C2',
      status: 'ACTIVE',
      containmentBound: 50_000n,
      reserveVault: certificate.reserve.contract_address,
      ipfsUri: result.uri,
      auditors: [auditorOne.address],
      issuedAt: Date.parse(certificate.validity.issued_at) / 1000,
      expiresAt: Date.parse(certificate.validity.expires_at) / 1000,
    })
    expect(result.record.spendingLimit).not.toBe('0x0000000000000000000000000000000000000000')
    expect(await getActiveCertificate(client(), registry, agent.address)).toBe(certHash)

    const retry = await publishCertificate(operator(), client(), { registry, document, agent })
    expect(retry).toMatchObject({ published: false, transactionHash: null, certHash, uri: result.uri })
  })

  it('renews C2 with C3 (auditors signing here): the old certificate reads EXPIRED', async () => {
    const document = fixture('valid-c3.json')
    const certHash = certificateHash(JSON.parse(new TextDecoder().decode(document)))
    await fund(certHash, 100_000n * USDC)
    await stakeAuditor(walletFor(devnet.connection, fixtureKey('auditor-one')), client(), devnet.contracts.staking, certHash, 5_000n * USDC)
    await stakeAuditor(walletFor(devnet.connection, fixtureKey('auditor-two')), client(), devnet.contracts.staking, certHash, 6_000n * USDC)
    const previous = await getActiveCertificate(client(), registry, agent.address)
    const result = await renewCertificate(operator(), client(), { registry, document, agent, auditors: [auditorOne, auditorTwo] })
    expect(result.previousCertHash).toBe(previous)
    expect(result.record.certificateClass).toBe('C3')
    expect((await getCertificateRecord(client(), registry, previous!))?.status).toBe('EXPIRED')
    expect(await getActiveCertificate(client(), registry, agent.address)).toBe(certHash)
    await expect(renewCertificate(operator(), client(), { registry, document: fixture('valid-c2.json'), agent })).rejects.toMatchObject({ code: 'CERTIFICATE_ALREADY_ANCHORED' })
    expect(await renewCertificate(operator(), client(), { registry, document, agent })).toMatchObject({ published: false, previousCertHash: null, certHash })

    await revokeCertificate(operator(), client(), registry, certHash)
    expect(await getActiveCertificate(client(), registry, agent.address)).toBeNull()
    await expect(renewCertificate(operator(), client(), { registry, document: fixture('valid-c1.json'), agent })).rejects.toMatchObject({ code: 'NOTHING_TO_RENEW' })
  })

  it('refuses attestation signatures made for another registry before sending anything', async () => {
    const other = await deployContracts(devnet.wallet(2), client())
    await expect(publishCertificate(operator(), client(), { registry: other.registry, document: fixture('valid-c2.json'), agent })).rejects.toMatchObject({
      code: 'ATTESTATION_SIGNATURE_INVALID',
      path: '$.attestations[0].signature',
    })
  })
})
