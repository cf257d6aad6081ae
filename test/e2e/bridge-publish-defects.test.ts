import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildScenario, SCENARIO, writeScenario } from '../../fixtures/scripts/scenario.ts'
import { startAnvil, type Anvil } from '../../adapters/evm/anvil.ts'
import { connectEvm, walletFor } from '../../adapters/evm/clients.ts'
import { deployContracts, type DeployedContracts } from '../../adapters/evm/actions/deploy-contracts.ts'
import { certificateAttestMessage } from '../../src/certificate/onchain.ts'
import { certificateHash } from '../../src/certificate/hash.ts'
import { ccpDomain, ccpTypes } from '../../src/crypto/eip712.ts'
import { keySigner } from '../../adapters/evm/registry-port.ts'
import { runCli } from '../support/cli.ts'
import { INVALID_CERTIFICATE_EDITS } from '../support/invalid-certificates.ts'
import { certifyScenario } from '../support/certify-cli.ts'

// issue 12's publish / renew defects (1, 3, 7, 14), each reproduced through the command line
let anvil: Anvil
let chainOne: Anvil
let deployed: DeployedContracts
let deployedOnOne: DeployedContracts
let dir: string
const scenario = buildScenario()
const auditor = keySigner(scenario.evm.auditor.devPrivateKey)
const file = (name: string) => join(dir, name)
const chain = () => ['--rpc', anvil.rpcUrl, '--registry', deployed.registry]
const keys = () => ['--operator-key', file('operator.key'), '--agent-key', file('agent.key'), '--auditor-key', file('auditor.key')]
const storeFiles = (folder: string) => (existsSync(folder) ? readdirSync(folder) : [])

/** The certificate edited, its attestation signed again by the scenario's auditor: a certificate re-hashed and re-signed correctly. */
async function variant(name: string, change: (cert: any) => void): Promise<string> {
  const cert = JSON.parse(readFileSync(file('cert.json'), 'utf8'))
  change(cert)
  cert.attestations[0].signature = await auditor.signTypedData({ domain: ccpDomain(31337, deployed.registry), types: ccpTypes, primaryType: 'Attest', message: certificateAttestMessage(cert, certificateHash(cert), 0) })
  writeFileSync(file(name), `${JSON.stringify(cert, null, 2)}\n`)
  return file(name)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ccp-e2e-defects-'))
  writeScenario(dir, scenario)
  anvil = await startAnvil({ timestamp: Date.parse(SCENARIO.now) / 1000 })
  chainOne = await startAnvil({ timestamp: Date.parse(SCENARIO.now) / 1000, chainId: 1 })
  const connection = await connectEvm(anvil.rpcUrl)
  deployed = await deployContracts(walletFor(connection, scenario.evm.deployer.devPrivateKey), connection.publicClient)
  const one = await connectEvm(chainOne.rpcUrl)
  deployedOnOne = await deployContracts(walletFor(one, scenario.evm.deployer.devPrivateKey), one.publicClient, { mintTo: [scenario.evm.operator.address, scenario.evm.auditor.address] })
  const certified = await certifyScenario(dir, deployed, file('cert.json'))
  if (certified.code !== 0) throw new Error(certified.stdout + certified.stderr)
})

afterAll(async () => {
  await anvil?.stop()
  await chainOne?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('issue 12: publish and renew defects', { timeout: 240_000 }, () => {
  it('defect 1: publish refuses what `cert validate` rejects (re-hashed and re-signed correctly), before storing or anchoring anything', async () => {
    for (const [code, change] of INVALID_CERTIFICATE_EDITS) {
      const cert = await variant(`invalid-${code}.json`, change)
      const validate = await runCli(['cert', 'validate', cert, '--chain-id', '31337', '--now', SCENARIO.now, '--json'])
      expect(validate.code, code).toBe(1)
      const r = await runCli(['publish', cert, ...chain(), ...keys(), '--store', file('store-invalid'), '--json'])
      expect(r.code, `${code}: ${r.stdout}`).toBe(1)
      expect(r.json().error).toMatchObject({ code: 'CERTIFICATE_INVALID', details: expect.stringContaining(code) })
    }
    expect(storeFiles(file('store-invalid'))).toEqual([])
  })

  it('defect 1: re-publishing a REVOKED certificate is refused (exit 1), never "published"', async () => {
    const first = await runCli(['publish', file('cert.json'), ...chain(), ...keys(), '--store', file('store')])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toMatch(/^published 0x[0-9a-f]{64}\n/)
    const certHash = certificateHash(JSON.parse(readFileSync(file('cert.json'), 'utf8')))
    const retry = await runCli(['publish', file('cert.json'), ...chain(), ...keys(), '--store', file('store')])
    expect(retry.code).toBe(0)
    expect(retry.stdout).toContain('(already anchored by an earlier attempt)')
    expect((await runCli(['revoke', certHash, ...chain(), '--operator-key', file('operator.key')])).code).toBe(0)
    const again = await runCli(['publish', file('cert.json'), ...chain(), ...keys(), '--store', file('store')])
    expect(again.code).toBe(1)
    expect(again.stdout).toBe('')
    expect(again.stderr).toBe(`error: certificate ${certHash} is already anchored and is REVOKED: it cannot be published again\nDetails: EXPIRED and REVOKED are final; publish a new certificate (a new certificate_id) instead\n`)
  })

  it('defect 7: renew refuses the certificate itself and a REVOKED one, and prints the replaced certificate\'s real status', async () => {
    const revoked = certificateHash(JSON.parse(readFileSync(file('cert.json'), 'utf8')))
    const successor = await variant('successor.json', (c) => (c.operator_metadata.contact = 'renewal@dragon.example'))
    const successorHash = certificateHash(JSON.parse(readFileSync(successor, 'utf8')))
    const self = await runCli(['renew', successor, '--replaces', successorHash, ...chain(), ...keys(), '--store', file('store'), '--json'])
    expect(self.code).toBe(2)
    expect(self.json().error).toMatchObject({ code: 'RENEW_SELF' })
    const ofRevoked = await runCli(['renew', successor, '--replaces', revoked, ...chain(), ...keys(), '--store', file('store')])
    expect(ofRevoked.code).toBe(1)
    expect(ofRevoked.stderr).toContain(`error: ${revoked} is REVOKED: a renewal replaces an active certificate`)
    expect(ofRevoked.stdout).not.toContain('renewed')
    // an active one: published, then renewed; the line says what the registry now says of the old one
    const active = await runCli(['publish', successor, ...chain(), ...keys(), '--store', file('store'), '--json'])
    expect(active.code, active.stderr).toBe(0)
    const third = await variant('third.json', (c) => (c.operator_metadata.contact = 'third@dragon.example'))
    const renewed = await runCli(['renew', third, '--replaces', successorHash, ...chain(), ...keys(), '--store', file('store')])
    expect(renewed.code, renewed.stderr).toBe(0)
    expect(renewed.stdout).toContain(`  replaces     ${successorHash} (now EXPIRED)`)
  })

  it('defect 14: an address that is not a registry exits 2 (input), not 1 "refused"', async () => {
    const notRegistry = await runCli(['publish', file('cert.json'), '--rpc', anvil.rpcUrl, '--registry', deployed.stakeToken, ...keys(), '--store', file('store-x'), '--json'])
    expect(notRegistry.code).toBe(2)
    expect(notRegistry.json().error).toMatchObject({ code: 'REGISTRY_NOT_A_REGISTRY', message: expect.stringContaining(`the contract at ${deployed.stakeToken} on chain 31337 is not a CCPRegistry`) })
    const noCode = await runCli(['registry', 'status', '--rpc', anvil.rpcUrl, '--registry', scenario.evm.counterparty.address, '--json'])
    expect(noCode.code).toBe(2)
    expect(noCode.json().error.code).toBe('REGISTRY_NOT_FOUND')
    expect(storeFiles(file('store-x'))).toEqual([])
  })

  it('defect 14: a chain-31337 certificate sent to a chain-1 registry is refused before anything is stored, exit 1, with the reason', async () => {
    const r = await runCli(['publish', file('cert.json'), '--rpc', chainOne.rpcUrl, '--registry', deployedOnOne.registry, ...keys(), '--store', file('store-chain1')])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('CHAIN_ID_MISMATCH')
    expect(r.stderr).toMatch(/^error: at \$\.identity\.chain_id: refusing to publish: the certificate breaks 1 rule\(s\), first CHAIN_ID_MISMATCH/)
    expect(storeFiles(file('store-chain1'))).toEqual([])
  })

  it('defect 3: DDC options are checked, and an unreachable DDC is a clean error (JSON under --json), never a stack trace', async () => {
    const base = ['publish', file('cert.json'), ...chain(), ...keys()]
    const bogus = await runCli([...base, '--ddc-bucket', '1', '--ddc-signer', file('operator.key'), '--ddc-network', 'bogus', '--json'])
    expect(bogus.code).toBe(2)
    expect(bogus.json().error).toMatchObject({ code: 'DDC_NETWORK_INVALID', message: '--ddc-network expects devnet, testnet, mainnet, got "bogus"' })
    const abc = await runCli([...base, '--ddc-bucket', 'abc', '--ddc-signer', file('operator.key')])
    expect(abc.code).toBe(2)
    expect(abc.stderr).toBe('error: --ddc-bucket expects a DDC bucket id (a whole number up to 2^64 − 1), got "abc"\n')
    const both = await runCli([...base, '--store', file('store'), '--ddc-bucket', '1', '--ddc-signer', file('operator.key')])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('--store and --ddc-bucket name two different stores; give one')
    const unreachable = await runCli([...base, '--ddc-bucket', '1', '--ddc-signer', file('operator.key'), '--ddc-network', 'devnet', '--ddc-timeout', '3', '--json'], { timeoutMs: 120_000 })
    expect(unreachable.code).toBe(2)
    expect(unreachable.json().error).toMatchObject({ code: 'DDC_UNREACHABLE', message: 'cannot connect to DDC (devnet)' })
    expect(unreachable.stderr).not.toMatch(/UnhandledPromiseRejection|\n\s+at /)
  })
})
