import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildScenario, SCENARIO, writeScenario } from '../../fixtures/scripts/scenario.ts'
import { startAnvil, type Anvil } from '../../adapters/evm/anvil.ts'
import { connectEvm, walletFor } from '../../adapters/evm/clients.ts'
import { deployContracts, type DeployedContracts } from '../../adapters/evm/actions/deploy-contracts.ts'
import { devAccounts } from '../../adapters/evm/dev-accounts.ts'
import { evmRegistry, keySigner } from '../../adapters/evm/registry-port.ts'
import { localContentStore } from '../../adapters/store/local-content-store.ts'
import { certificateHash } from '../../src/certificate/hash.ts'
import { runCli } from '../support/cli.ts'
import { certifyScenario, type CertifyPaths } from '../support/certify-cli.ts'
import { startGarServer, type GarServer } from '../support/gar-server.ts'

// One anvil for the whole file; its clock starts at the scenario's "now".
let anvil: Anvil
let deployed: DeployedContracts
let gar: GarServer
let dir: string
const scenario = buildScenario()
const accounts = devAccounts(10)
const store = () => join(dir, 'store')

function chain(): string[] {
  return ['--rpc', anvil.rpcUrl, '--registry', deployed.registry]
}

/** Writes a config for another agent (dev account `index`) and optional class. */
function configFor(index: number, certificateClass = 'C2'): string {
  const text = readFileSync(join(dir, 'config.yaml'), 'utf8').replace(scenario.evm.agent.address, accounts[index]!.address).replace('certificate_class: C2', `certificate_class: ${certificateClass}`)
  const file = join(dir, `config-${index}-${certificateClass}.yaml`)
  writeFileSync(file, text)
  return file
}

function certifyTo(out: string, extra: CertifyPaths = {}) {
  return certifyScenario(dir, deployed, out, extra)
}

async function publishCert(file: string, agentIndex: number, env: Record<string, string> = {}) {
  const agentKey = join(dir, `agent-${agentIndex}.key`)
  writeFileSync(agentKey, `${accounts[agentIndex]!.devPrivateKey}\n`)
  return runCli(['publish', file, ...chain(), '--operator-key', join(dir, 'operator.key'), '--agent-key', agentKey, '--auditor-key', join(dir, 'auditor.key'), '--store', store(), '--json'], { env })
}

async function verify(agent: string, extra: string[] = []) {
  return runCli(['verify-agent', agent, ...chain(), '--store', store(), '--now', SCENARIO.now, '--json', ...extra])
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ccp-e2e-'))
  writeScenario(dir, scenario)
  anvil = await startAnvil({ timestamp: Date.parse(SCENARIO.now) / 1000 })
  const connection = await connectEvm(anvil.rpcUrl)
  deployed = await deployContracts(walletFor(connection, scenario.evm.deployer.devPrivateKey), connection.publicClient)
  gar = await startGarServer()
})

afterAll(async () => {
  await anvil?.stop()
  await gar?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('bridge end to end through the CLI (anvil + loopback GAR)', { timeout: 180_000 }, () => {
  let happyHash = ''

  it('certifies, publishes and is accepted by a counterparty (happy path)', async () => {
    const out = join(dir, 'cert.json')
    const certified = await certifyTo(out)
    expect(certified.code, certified.stderr).toBe(0)
    const summary = certified.json()
    expect(summary.certified).toBe(true)
    const cert = JSON.parse(readFileSync(out, 'utf8'))
    expect(cert.derived_metrics.certificate_class).toBe('C2')
    expect(cert.validity.expires_at).toBe('2026-08-14T00:00:00Z')
    const boundary = cert.constraints.find((c: { type: string }) => c.type === 'PERMISSION_BOUNDARY')
    expect(boundary.value.grant_hashes).toEqual([scenario.grantHash])
    expect(boundary.enforcement.mechanism).toBe('CONSENT_REGISTRY')
    expect(cert.attestations[0].scope).toBe('ACTIVITY_TRAIL_VERIFICATION')
    expect(cert.attestations[0].report_hash).toBe(summary.reportUri)
    happyHash = summary.certHash
    expect(certificateHash(cert)).toBe(happyHash)

    const published = await publishCert(out, 2)
    expect(published.code, published.stdout + published.stderr).toBe(0)
    expect(published.json().certHash).toBe(happyHash)

    const checked = await verify(scenario.evm.agent.address, ['--policy', join(dir, 'policy.json')])
    expect(checked.code, checked.stdout).toBe(0)
    expect(checked.json().decision).toBe('accept')
    expect(checked.json().reasons).toEqual([])
  })

  let interruptedHash = ''
  it('publish interrupted between anchor and store, then retried: one anchor, the document stored once', async () => {
    const out = join(dir, 'cert-5.json')
    expect((await certifyTo(out, { config: configFor(5) })).code).toBe(0)
    const crashed = await publishCert(out, 5, { CCP_BRIDGE_FAULT: 'crash-after-anchored' })
    expect(crashed.code).not.toBe(0)
    interruptedHash = certificateHash(JSON.parse(readFileSync(out, 'utf8')))
    const entryUri = `ipfs://${(await import('../../src/certificate/hash.ts')).certificateCid(readFileSync(out))}`
    const registry = await evmRegistry(anvil.rpcUrl, deployed.registry)
    // anchored first, the document not yet stored: a public store never shows an unanchored document
    expect((await registry.getCertificate(interruptedHash as `0x${string}`))?.ipfsUri).toBe(entryUri)
    expect(readdirSync(store()).includes(entryUri.replace('ipfs://', ''))).toBe(false)

    const retried = await publishCert(out, 5)
    expect(retried.code, retried.stdout + retried.stderr).toBe(0)
    expect(retried.json()).toMatchObject({ certHash: interruptedHash, uri: entryUri, stored: 'written', alreadyAnchored: true })
    const entry = { uri: entryUri }
    const again = await publishCert(out, 5)
    expect(again.code).toBe(0)
    expect(again.json().alreadyAnchored).toBe(true)
    const { events } = await registry.events(0n)
    expect(events.filter((e) => e.kind === 'published' && e.certHash === interruptedHash)).toHaveLength(1)
    const cid = entry.uri.replace('ipfs://', '')
    expect(readdirSync(store()).filter((f) => f === cid)).toHaveLength(1)
    expect(readFileSync(join(store(), cid))).toEqual(readFileSync(out))
  })

  it('flags an over-concentrated auditor (conditional, exit 1)', async () => {
    const policy = join(dir, 'policy-concentration.json')
    writeFileSync(policy, JSON.stringify({ max_auditor_share: 0.5 }))
    const r = await verify(scenario.evm.agent.address, ['--policy', policy])
    expect(r.code).toBe(1)
    expect(r.json().decision).toBe('conditional')
    expect(r.json().reasons.map((x: { code: string }) => x.code)).toEqual(['AUDITOR_CONCENTRATION'])
  })

  it('rejects on a policy mismatch', async () => {
    const policy = join(dir, 'policy-c3.json')
    writeFileSync(policy, JSON.stringify({ min_class: 'C3', max_acceptable_loss: '1000' }))
    const r = await verify(scenario.evm.agent.address, ['--policy', policy])
    expect(r.code).toBe(1)
    expect(r.json().decision).toBe('reject')
    expect(r.json().reasons.map((x: { code: string }) => x.code)).toEqual(['POLICY_MIN_CLASS', 'POLICY_MAX_LOSS'])
  })

  it('rejects an expired certificate', async () => {
    const r = await runCli(['verify-agent', scenario.evm.agent.address, ...chain(), '--store', store(), '--now', '2026-08-20T00:00:00Z', '--json'])
    expect(r.code).toBe(1)
    expect(r.json().reasons.map((x: { code: string }) => x.code)).toContain('CERTIFICATE_EXPIRED')
  })

  it('rejects a tampered stored document', async () => {
    const folder = join(dir, 'store-tampered')
    const tamperedStore = localContentStore(folder)
    const registry = await evmRegistry(anvil.rpcUrl, deployed.registry)
    const record = await registry.getCertificate(happyHash as `0x${string}`)
    const cid = record!.ipfsUri.replace('ipfs://', '')
    const original = readFileSync(join(store(), cid), 'utf8')
    await tamperedStore.put(new Uint8Array())
    writeFileSync(join(folder, cid), original.replace('"5000"', '"50000"'))
    const r = await runCli(['verify-agent', scenario.evm.agent.address, ...chain(), '--store', folder, '--now', SCENARIO.now, '--json'])
    expect(r.code).toBe(1)
    expect(r.json().reasons.map((x: { code: string }) => x.code)).toEqual(['CID_MISMATCH'])
  })

  it('rejects a document whose certHash differs from the chain', async () => {
    const out = join(dir, 'cert-6.json')
    expect((await certifyTo(out, { config: configFor(6) })).code).toBe(0)
    const certA = JSON.parse(readFileSync(out, 'utf8'))
    const hashA = certificateHash(certA)
    const docB = { ...certA, operator_metadata: { ...certA.operator_metadata, company: 'Someone Else' } }
    const bytesB = new TextEncoder().encode(JSON.stringify(docB))
    const { uri } = await localContentStore(store()).put(bytesB)
    const registry = await evmRegistry(anvil.rpcUrl, deployed.registry)
    const auditor = keySigner(scenario.evm.auditor.devPrivateKey)
    await registry.stake(auditor, hashA, BigInt(certA.attestations[0].stake_amount))
    await registry.fundReserve(keySigner(scenario.evm.operator.devPrivateKey), hashA, deployed.stakeToken, 15_000_000_000n)
    await registry.publish({ certificate: docB, certHash: hashA, uri, operator: keySigner(scenario.evm.operator.devPrivateKey), agent: keySigner(accounts[6]!.devPrivateKey) })
    const r = await verify(accounts[6]!.address)
    expect(r.code).toBe(1)
    expect(r.json().reasons.map((x: { code: string }) => x.code)).toContain('CERT_HASH_MISMATCH')
  })

  it('revokes by the operator, and verify-agent rejects the revoked certificate', async () => {
    const revoked = await runCli(['revoke', interruptedHash, ...chain(), '--operator-key', join(dir, 'operator.key'), '--json'])
    expect(revoked.code, revoked.stdout + revoked.stderr).toBe(0)
    expect(revoked.json().already).toBe(false)
    const r = await verify(accounts[5]!.address)
    expect(r.code).toBe(1)
    expect(r.json().reasons.map((x: { code: string }) => x.code)).toContain('CERTIFICATE_REVOKED')
  })

  it('renews: the successor becomes the active certificate and the old one EXPIRED', async () => {
    const out = join(dir, 'cert-renewed.json')
    // move the chain clock past the successor's issue time, whatever the machine's speed
    for (const [method, params] of [['evm_increaseTime', [120]], ['evm_mine', []]] as const) {
      await fetch(anvil.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })
    }
    const later = new Date(Date.parse(SCENARIO.now) + 60_000).toISOString()
    const certified = await runCli([
      'certify', '--grants', join(dir, 'grants'), '--trail', join(dir, 'trail.json'), '--keys', join(dir, 'keys.json'), '--config', join(dir, 'config.yaml'),
      '--auditor-key', join(dir, 'auditor.key'), '--registry', deployed.registry, '--staking', deployed.staking, '--store', store(), '--now', later, '--out', out, '--json',
    ])
    expect(certified.code, certified.stdout).toBe(0)
    const newHash = certified.json().certHash
    const renewed = await runCli(['renew', out, '--replaces', happyHash, ...chain(), '--operator-key', join(dir, 'operator.key'), '--agent-key', join(dir, 'agent-2.key'), '--auditor-key', join(dir, 'auditor.key'), '--store', store(), '--json'])
    expect(renewed.code, renewed.stdout + renewed.stderr).toBe(0)
    expect(renewed.json()).toMatchObject({ certHash: newHash, replaced: { certHash: happyHash, status: 'EXPIRED' } })
    const human = await runCli(['renew', out, '--replaces', happyHash, ...chain(), '--operator-key', join(dir, 'operator.key'), '--agent-key', join(dir, 'agent-2.key'), '--store', store()])
    expect(human.code, human.stderr).toBe(0) // a retry of a renewal that went through: nothing sent, the real status shown
    expect(human.stdout).toContain('(already anchored by an earlier attempt)')
    expect(human.stdout).toContain(`replaces     ${happyHash} (now EXPIRED)`)
    const registry = await evmRegistry(anvil.rpcUrl, deployed.registry)
    expect((await registry.getCertificate(happyHash as `0x${string}`))!.status).toBe('EXPIRED')
    expect(await registry.getActiveCertificate(scenario.evm.agent.address)).toBe(newHash)
  })

  it('the watcher revokes after the grant is revoked, across a restart, without repeating', async () => {
    const out = join(dir, 'cert-7.json')
    expect((await certifyTo(out, { config: configFor(7) })).code).toBe(0)
    expect((await publishCert(out, 7)).code).toBe(0)
    const hash = certificateHash(JSON.parse(readFileSync(out, 'utf8')))
    gar.setAgreements(scenario.agentServiceKey, [JSON.parse(readFileSync(join(dir, 'grants', 'calendar.json'), 'utf8'))])
    const watch = (now: string) => runCli(['watch', ...chain(), '--operator-key', join(dir, 'operator.key'), '--gar', gar.url, '--store', store(), '--rounds', '1', '--now', now, '--json'])
    const first = await watch(SCENARIO.now)
    expect(first.code, first.stderr).toBe(0)
    const firstEvents = first.stdout.trim().split('\n').map((l) => JSON.parse(l))
    expect(firstEvents.some((e) => e.kind === 'tracked' && e.certHash === hash)).toBe(true)
    expect(firstEvents.some((e) => e.kind === 'revoked')).toBe(false)

    // the watcher is down (process exited) while the user revokes the grant in GAR
    gar.setAgreements(scenario.agentServiceKey, [JSON.parse(readFileSync(join(dir, 'revoked', 'calendar.json'), 'utf8'))])
    const second = await watch(SCENARIO.revokedAt)
    expect(second.code, second.stderr).toBe(0)
    const secondEvents = second.stdout.trim().split('\n').map((l) => JSON.parse(l))
    const revokedEvents = secondEvents.filter((e) => e.kind === 'revoked')
    expect(revokedEvents.map((e) => e.certHash)).toContain(hash)
    expect(revokedEvents.find((e) => e.certHash === hash).txHash).toMatch(/^0x[0-9a-f]{64}$/)
    const registry = await evmRegistry(anvil.rpcUrl, deployed.registry)
    expect((await registry.getCertificate(hash))!.status).toBe('REVOKED')

    const third = await watch(SCENARIO.revokedAt)
    expect(third.code).toBe(0)
    expect(third.stdout.includes('"revoked"')).toBe(false)
    const { events } = await registry.events(0n)
    expect(events.filter((e) => e.kind === 'revoked' && e.certHash === hash)).toHaveLength(1)
  })
})
