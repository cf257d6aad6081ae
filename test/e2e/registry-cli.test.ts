import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTestClient, http, keccak256, parseEther, stringToBytes, type Address } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { isProcessAlive } from '../../adapters/evm/anvil.ts'
import { connectEvm, walletFor } from '../../adapters/evm/clients.ts'
import { publishCertificate } from '../../adapters/evm/actions/publish-certificate.ts'
import { revokeCertificate } from '../../adapters/evm/actions/revoke-certificate.ts'
import { bondAuditor, stakeAuditor } from '../../adapters/evm/actions/stake-auditor.ts'
import { fundReserve } from '../../adapters/evm/actions/reserve.ts'
import { sendContractTransaction } from '../../adapters/evm/actions/send-contract-transaction.ts'
import { tokenAbi } from '../../adapters/evm/registry-abi.ts'
import { runCli, projectDir } from '../support/cli.ts'

const bin = fileURLToPath(new URL('../../bin/ccp-bridge.mjs', import.meta.url))
const fixtureKey = (name: string) => keccak256(stringToBytes(`ccp-bridge fixture key: ${name}`))
const fixture = (name: string) => new Uint8Array(readFileSync(fileURLToPath(new URL(`../../fixtures/certificates/${name}`, import.meta.url))))

type DevnetInfo = {
  rpcUrl: string
  chainId: number
  registry: Address
  staking: Address
  vault: Address
  escrow: Address
  challenges: Address
  usdc: Address
  verifiers: Address[]
  anvilPid: number
  accounts: { address: Address; devPrivateKey: `0x${string}` }[]
}
/** every temp folder this file makes, removed after it (issue 12 defect 18: no deployer.key left behind) */
const tempFolders: string[] = []

/** Starts `ccp-bridge devnet --json` and resolves with its first stdout line, parsed. */
function startDevnetCli(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; info: DevnetInfo; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [bin, 'devnet', '--json', ...args], { cwd: projectDir, stdio: ['pipe', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    child.stdout.on('data', (d) => {
      out += d
      const newline = out.indexOf('\n')
      if (newline >= 0) resolve({ child, info: JSON.parse(out.slice(0, newline)) as DevnetInfo, exited })
    })
    void exited.then((code) => reject(new Error(`devnet exited (${code}) before printing: ${err}`)))
  })
}

describe('ccp-bridge devnet and registry commands', { timeout: 180_000 }, () => {
  let devnet: Awaited<ReturnType<typeof startDevnetCli>>
  let certHash: `0x${string}`
  const agent = privateKeyToAccount(fixtureKey('agent'))

  beforeAll(async () => {
    // genesis on 2026-04-02: the fixture certificates (issued 2026-04-01) are current on this chain
    devnet = await startDevnetCli(['--port', '0', '--genesis-time', '2026-04-02T00:00:00Z'])
  })
  afterAll(async () => {
    if (devnet && devnet.child.exitCode === null) {
      devnet.child.kill('SIGTERM')
      await devnet.exited
    }
    for (const folder of tempFolders) rmSync(folder, { recursive: true, force: true })
    // issue 12 defect 18: each run left a deployer.key under the temp folder
    for (const folder of tempFolders) expect(existsSync(folder)).toBe(false)
  })

  it('devnet prints the chain, the deployed contracts and the dev accounts as one JSON line', async () => {
    const { info } = devnet
    expect(info.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(info.chainId).toBe(31337)
    expect(info.registry).toBe('0x5FbDB2315678afecb367f032d93F642f64180aa3')
    expect(info.usdc).toBe('0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512')
    expect(info.staking).toBe('0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0')
    expect(info.vault).toBe('0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9')
    expect(info.escrow).toBe('0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9')
    expect(info.challenges).toBe('0x5FC8d32690cc91D4c39d9d3abcBD16989F875707')
    expect(info.verifiers).toEqual([info.accounts[6]!.address, info.accounts[7]!.address, info.accounts[8]!.address])
    expect(info.accounts).toHaveLength(10)
    expect(info.accounts[0]?.address).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266')
    const connection = await connectEvm(info.rpcUrl)
    expect(await connection.publicClient.getCode({ address: info.registry })).toMatch(/^0x[0-9a-f]{100,}$/)
  })

  it('registry status / active: unknown, ACTIVE, then REVOKED (exit 0 only while valid)', async () => {
    const { info } = devnet
    const rpc = ['--rpc', info.rpcUrl, '--registry', info.registry]
    const connection = await connectEvm(info.rpcUrl)
    const testClient = createTestClient({ mode: 'anvil', chain: connection.chain, transport: http(info.rpcUrl) })
    const operatorKey = fixtureKey('operator')
    for (const address of [privateKeyToAccount(operatorKey).address, privateKeyToAccount(fixtureKey('auditor-one')).address]) {
      await testClient.setBalance({ address, value: parseEther('1') })
      await sendContractTransaction(walletFor(connection, info.accounts[0]!.devPrivateKey), connection.publicClient, { address: info.usdc, abi: tokenAbi, functionName: 'mint', args: [address, 1_000_000_000_000n] }, 'mint')
    }

    const document = fixture('valid-c2.json')
    const none = await runCli(['registry', 'active', agent.address, ...rpc, '--json'])
    expect(none.code).toBe(1)
    expect(none.json()).toEqual({ agent: agent.address, active: false, certHash: null, certificate: null })

    const { certificateHash } = await import('../../src/certificate/hash.ts')
    certHash = certificateHash(JSON.parse(new TextDecoder().decode(document)))
    const unknown = await runCli(['registry', 'status', certHash, ...rpc, '--json'])
    expect(unknown.code).toBe(1)
    expect(unknown.json()).toEqual({ certHash, found: false, valid: false })

    await bondAuditor(walletFor(connection, fixtureKey('auditor-one')), connection.publicClient, { staking: info.staking, stakeToken: info.usdc }, 1_500_000_000n)
    await stakeAuditor(walletFor(connection, fixtureKey('auditor-one')), connection.publicClient, info.staking, certHash, 1_500_000_000n)
    await fundReserve(walletFor(connection, operatorKey), connection.publicClient, info.vault, { certHash, token: info.usdc, amount: 150_000_000_000n })
    const published = await publishCertificate(walletFor(connection, operatorKey), connection.publicClient, { registry: info.registry, document, agent })

    const status = await runCli(['registry', 'status', certHash, ...rpc, '--json'])
    expect(status.code).toBe(0)
    expect(status.json()).toMatchObject({ found: true, valid: true, certHash, status: 'ACTIVE', certificateClass: 'C2', agent: agent.address, ipfsUri: published.uri, containmentBound: '50000' })
    const human = await runCli(['registry', 'status', certHash, ...rpc])
    expect(human.code).toBe(0)
    expect(human.stdout).toContain('status     ACTIVE')
    expect(human.stdout).toContain(`uri        ${published.uri}`)
    const active = await runCli(['registry', 'active', agent.address, '--registry', info.registry], { env: { ETH_RPC_URL: info.rpcUrl } })
    expect(active.code).toBe(0)
    expect(active.stdout).toContain(`certificate ${certHash}`)

    await revokeCertificate(walletFor(connection, operatorKey), connection.publicClient, info.registry, certHash)
    const revoked = await runCli(['registry', 'status', certHash, ...rpc, '--json'])
    expect(revoked.code).toBe(1)
    expect(revoked.json()).toMatchObject({ found: true, valid: false, status: 'REVOKED' })
  })

  it('registry deploy takes the key from env:NAME or a file, never echoes it, and prints the addresses', async () => {
    const { info } = devnet
    const key = info.accounts[3]!.devPrivateKey
    const viaEnv = await runCli(['registry', 'deploy', '--rpc', info.rpcUrl, '--key', 'env:DEPLOYER_KEY', '--json'], { env: { DEPLOYER_KEY: key } })
    expect(viaEnv.code).toBe(0)
    const deployed = viaEnv.json()
    expect(deployed.registry).toMatch(/^0x[0-9a-fA-F]{40}$/)
    expect(deployed).toMatchObject({ governor: info.accounts[3]!.address, demoToken: true, minBond: '1000000000', minStake: { C1: '100000000', C2: '1000000000', C3: '5000000000' }, verdictThreshold: 2 })
    expect(`${viaEnv.stdout}${viaEnv.stderr}`).not.toContain(key.slice(2))
    const connection = await connectEvm(info.rpcUrl)
    expect(await connection.publicClient.getCode({ address: deployed.registry })).toMatch(/^0x[0-9a-f]{100,}$/)

    const dir = mkdtempSync(join(tmpdir(), 'ccp-registry-'))
    tempFolders.push(dir)
    writeFileSync(join(dir, 'deployer.key'), `${key}\n`)
    const viaFile = await runCli(['registry', 'deploy', '--key', join(dir, 'deployer.key'), '--stake-token', info.usdc, '--min-stake-c2', '2000000000', '--governor', info.accounts[5]!.address, '--threshold', '3'], { env: { ETH_RPC_URL: info.rpcUrl } })
    expect(viaFile.code, viaFile.stderr).toBe(0)
    expect(viaFile.stdout).toMatch(/^registry {3}0x[0-9a-fA-F]{40}\n/)
    expect(viaFile.stdout).toContain(`governor   ${info.accounts[5]!.address}`)
    const registry = /^registry {3}(0x[0-9a-fA-F]{40})/.exec(viaFile.stdout)![1]!
    const status = await runCli(['registry', 'status', '--rpc', info.rpcUrl, '--registry', registry, '--json'])
    expect(status.json()).toMatchObject({ registry, minStake: { C1: '100000000', C2: '2000000000', C3: '5000000000' }, verdictThreshold: 3, governor: info.accounts[5]!.address, stakeToken: { symbol: 'USDC', decimals: 6 } })
    expect(`${viaFile.stdout}${viaFile.stderr}`).not.toContain(key.slice(2))
  })

  it('an unreachable RPC, a missing --rpc and malformed arguments exit 2 with a clear message', async () => {
    const dead = await runCli(['registry', 'status', `0x${'ab'.repeat(32)}`, '--rpc', 'http://127.0.0.1:1', '--registry', devnet.info.registry], { env: { ETH_RPC_URL: '' } })
    expect(dead.code).toBe(2)
    expect(dead.stderr).toContain('cannot reach the EVM node at http://127.0.0.1:1')
    expect(dead.stderr).not.toMatch(/\n\s+at /) // no stack trace
    const deadJson = await runCli(['registry', 'active', agent.address, '--rpc', 'http://127.0.0.1:1', '--registry', devnet.info.registry, '--json'])
    expect(deadJson.code).toBe(2)
    expect(deadJson.json().error.code).toBe('RPC_UNREACHABLE')
    const noRpc = await runCli(['registry', 'active', agent.address, '--registry', devnet.info.registry], { env: { ETH_RPC_URL: '' } })
    expect(noRpc.code).toBe(2)
    expect(noRpc.stderr).toContain('pass --rpc URL or set ETH_RPC_URL')
    const badHash = await runCli(['registry', 'status', '0x1234', '--rpc', devnet.info.rpcUrl, '--registry', devnet.info.registry])
    expect(badHash.code).toBe(2)
    expect(badHash.stderr).toContain('expected a certHash as 0x + 64 hex digits')
    const badKey = await runCli(['registry', 'deploy', '--rpc', devnet.info.rpcUrl, '--key', 'env:NOT_SET_ANYWHERE'])
    expect(badKey.code).toBe(2)
    expect(badKey.stderr).toContain('environment variable NOT_SET_ANYWHERE is not set')
  })

  it('devnet stops on SIGTERM with exit 0 and leaves no anvil behind', async () => {
    const { child, info, exited } = devnet
    expect(isProcessAlive(info.anvilPid)).toBe(true)
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(isProcessAlive(info.anvilPid)).toBe(false)
    await expect(connectEvm(info.rpcUrl)).rejects.toMatchObject({ code: 'RPC_UNREACHABLE' })
  })
})
