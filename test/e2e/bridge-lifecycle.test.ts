import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildScenario, SCENARIO, writeScenario } from '../../fixtures/scripts/scenario.ts'
import { startAnvil, type Anvil } from '../../adapters/evm/anvil.ts'
import { connectEvm, walletFor, type EvmConnection } from '../../adapters/evm/clients.ts'
import { deployContracts, type DeployedContracts } from '../../adapters/evm/actions/deploy-contracts.ts'
import { setVerifier } from '../../adapters/evm/actions/challenges.ts'
import { increaseTime } from '../../adapters/evm/actions/increase-time.ts'
import { sendContractTransaction } from '../../adapters/evm/actions/send-contract-transaction.ts'
import { tokenBalance } from '../../adapters/evm/actions/read-deployment.ts'
import { tokenAbi } from '../../adapters/evm/registry-abi.ts'
import { devAccounts } from '../../adapters/evm/dev-accounts.ts'
import { runCli } from '../support/cli.ts'
import { certifyScenario } from '../support/certify-cli.ts'

// seed 004 stages 2-12 through the command line, on one anvil whose clock starts at the scenario's "now"
let anvil: Anvil
let connection: EvmConnection
let deployed: DeployedContracts
let dir: string
const scenario = buildScenario()
const accounts = devAccounts(10)
const key = (name: string) => join(dir, name)
const chain = () => ['--rpc', anvil.rpcUrl, '--registry', deployed.registry]

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ccp-e2e-lifecycle-'))
  writeScenario(dir, scenario)
  for (const i of [6, 7, 9]) writeFile(join(dir, `dev-${i}.key`), `${accounts[i]!.devPrivateKey}\n`)
  anvil = await startAnvil({ timestamp: Date.parse(SCENARIO.now) / 1000 })
  connection = await connectEvm(anvil.rpcUrl)
  const governor = walletFor(connection, scenario.evm.deployer.devPrivateKey)
  deployed = await deployContracts(governor, connection.publicClient)
  for (const i of [6, 7, 8]) await setVerifier(governor, connection.publicClient, deployed.challenges, accounts[i]!.address, true)
  await increaseTime(connection, 1)
})

afterAll(async () => {
  await anvil?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** Writes a file in the test folder (dev-account key files: anvil's public keys, for this local chain only). */
function writeFile(file: string, text: string) {
  writeFileSync(file, text)
}

describe('the certificate lifecycle through the CLI: reserve, audit, attest, publish, verify, challenge, settle, lifecycle', { timeout: 240_000 }, () => {
  let certHash = ''

  it('funds the reserve (stage 2), escrows the audit fee (3), the auditor attests and stakes (5), publishes without funding again', async () => {
    const out = key('cert.json')
    const certified = await certifyScenario(dir, deployed, out)
    expect(certified.code, certified.stderr).toBe(0)
    certHash = certified.json().certHash

    const short = await runCli(['reserve', 'status', out, ...chain(), '--json'])
    expect(short.code).toBe(1)
    expect(short.json()).toMatchObject({ covered: false, deposited: '0', required: '15000000000', declared: '15000000000', anchored: false, symbol: 'USDC' })

    const funded = await runCli(['reserve', 'fund', out, '--operator-key', key('operator.key'), ...chain()])
    expect(funded.code, funded.stderr).toBe(0)
    expect(funded.stdout).toMatch(new RegExp(`^deposited 15000 USDC for ${certHash} \\(tx 0x[0-9a-f]{64}\\)\\n`))
    expect(funded.stdout).toContain('  lock         not anchored yet: the operator can still withdraw it')
    const covered = await runCli(['reserve', 'status', out, ...chain()])
    expect(covered.code).toBe(0)
    expect(covered.stdout).toContain(`reserve of ${certHash}: COVERED`)

    const requested = await runCli(['audit', 'request', '--auditor', scenario.evm.auditor.address, '--fee', '500', '--operator-key', key('operator.key'), ...chain(), '--json'])
    expect(requested.code, requested.stderr).toBe(0)
    const request = requested.json()
    expect(request).toMatchObject({ state: 'OPEN', amount: '500000000', symbol: 'USDC', auditor: scenario.evm.auditor.address, operator: scenario.evm.operator.address })

    const attested = await runCli(['attest', out, '--auditor-key', key('auditor.key'), '--request', request.requestId, ...chain(), '--json'])
    expect(attested.code, attested.stderr).toBe(0)
    expect(attested.json()).toMatchObject({ certHash, signed: false, stake: { claimed: '1500000000', staked: '1500000000', stakedNow: '1500000000' }, bond: { registered: true }, accepted: request.requestId })
    const again = await runCli(['attest', out, '--auditor-key', key('auditor.key'), ...chain()])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('already carries this auditor\'s valid signature')
    expect(again.stdout).toContain('stake        1500 USDC locked for it\n')

    const published = await runCli(['publish', out, ...chain(), '--operator-key', key('operator.key'), '--agent-key', key('agent.key'), '--store', key('store'), '--no-fund'])
    expect(published.code, published.stderr).toBe(0)
    expect(published.stdout).toContain(`published ${certHash}`)
    expect(published.stdout).toContain('  reserve      15000 USDC locked in the vault (the class needs 15000 USDC)\n')
    expect(published.stdout).toMatch(/ {2}stored {7}ipfs:\/\/bafkrei[a-z2-7]+ \(local folder .*, written after the anchor was mined\)/)
  })

  it('verify-agent checks on chain that the reserve is locked and the stake is there', async () => {
    const r = await runCli(['verify-agent', scenario.evm.agent.address, ...chain(), '--store', key('store'), '--now', SCENARIO.now, '--json'])
    expect(r.code, r.stdout).toBe(0)
    expect(r.json()).toMatchObject({ decision: 'accept', reserve: { backing: '15000000000', required: '15000000000', exogenous: true }, stakes: [{ bonded: true, staked: '1500000000', claimed: '1500000000' }] })
    const human = await runCli(['verify-agent', scenario.evm.agent.address, ...chain(), '--store', key('store'), '--now', SCENARIO.now])
    expect(human.stdout).toContain('  reserve      15000 USDC locked in the vault (the class needs 15000)')
    expect(human.stdout).toContain(`  stake        auditor ${scenario.evm.auditor.address}: bonded, 1500 USDC staked (its attestation claims 1500 USDC)`)
  })

  it('registry status shows the deployment parameters: minimum stake per class, bond, grace, challenge rules', async () => {
    const r = await runCli(['registry', 'status', ...chain()])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('  min stake  C1 100 USDC, C2 1000 USDC, C3 5000 USDC per attestation')
    expect(r.stdout).toContain('  min bond   1000 USDC')
    expect(r.stdout).toContain('  grace      C1 7 days, C2 14 days, C3 21 days after termination')
    const one = await runCli(['registry', 'status', certHash, ...chain(), '--json'])
    expect(one.json()).toMatchObject({ status: 'ACTIVE', minStake: '1000000000', lifecycle: { settled: false, challengeOpen: false } })
  })

  it('a RESERVE_SHORTFALL challenge is refused while the vault backs the reserve, then upheld on chain once it does not', async () => {
    const refused = await runCli(['challenge', 'open', certHash, '--type', 'reserve-shortfall', '--challenger-key', key('dev-9.key'), ...chain(), '--json'])
    expect(refused.code).toBe(1)
    expect(refused.json().error).toMatchObject({ code: 'RESERVE_NOT_SHORT' })
    await sendContractTransaction(walletFor(connection, scenario.evm.deployer.devPrivateKey), connection.publicClient, { address: deployed.stakeToken, abi: tokenAbi, functionName: 'seize', args: [deployed.vault, 6_000_000_000n] }, 'seize')
    const before = await tokenBalance(connection.publicClient, deployed.stakeToken, accounts[9]!.address)
    const upheld = await runCli(['challenge', 'open', certHash, '--type', 'RESERVE_SHORTFALL', '--challenger-key', key('dev-9.key'), ...chain()])
    expect(upheld.code, upheld.stderr).toBe(0)
    expect(upheld.stdout).toMatch(/^challenge 1 UPHELD against 0x[0-9a-f]{64} \(tx 0x[0-9a-f]{64}\)\n/)
    expect(upheld.stdout).toContain('  certificate  REVOKED')
    expect((await tokenBalance(connection.publicClient, deployed.stakeToken, accounts[9]!.address)) - before).toBe(450_000_000n)
    const status = await runCli(['challenge', 'status', certHash, ...chain(), '--json'])
    expect(status.json().challenges).toMatchObject([{ challengeId: '1', kind: 'RESERVE_SHORTFALL', state: 'UPHELD', challenger: accounts[9]!.address }])
    const view = await runCli(['lifecycle', certHash, ...chain(), '--json'])
    expect(view.json()).toMatchObject({ lifecycle: { status: 'REVOKED', challengeUpheld: true, settled: false }, reserve: { backing: '9000000000' }, auditors: [{ staked: '0', fee: { state: 'CLAWED_BACK' } }] })
  })

  it('settles once, after the grace period: refused before, then the reserve back to the operator, refused twice', async () => {
    const early = await runCli(['settle', certHash, '--key', key('dev-9.key'), ...chain(), '--json'])
    expect(early.code).toBe(1)
    expect(early.json().error).toMatchObject({ code: 'GRACE_NOT_OVER' })
    await increaseTime(connection, 14 * 86_400)
    const settled = await runCli(['settle', certHash, '--key', key('dev-9.key'), ...chain()])
    expect(settled.code, settled.stderr).toBe(0)
    expect(settled.stdout).toContain(`  reserve      9000 USDC released to the operator ${scenario.evm.operator.address}`)
    const twice = await runCli(['settle', certHash, '--key', key('dev-9.key'), ...chain(), '--json'])
    expect(twice.code).toBe(1)
    expect(twice.json().error.code).toBe('ALREADY_SETTLED')
    const human = await runCli(['lifecycle', certHash, ...chain()])
    expect(human.stdout).toContain('  state        REVOKED (settled)')
    expect(human.stdout).toContain('  settlement   done')
  })

  it('a panel challenge: verifiers sign EIP-712 verdicts from the CLI; the threshold decides; undecided ones resolve only after the deadline', async () => {
    // give the vault back what was seized, so a new certificate is fully backed
    await sendContractTransaction(walletFor(connection, scenario.evm.deployer.devPrivateKey), connection.publicClient, { address: deployed.stakeToken, abi: tokenAbi, functionName: 'mint', args: [deployed.vault, 6_000_000_000n] }, 'mint')
    const config = readFileSync(key('config.yaml'), 'utf8').replace(scenario.evm.agent.address, accounts[5]!.address)
    writeFile(key('config-5.yaml'), config)
    writeFile(key('agent-5.key'), `${accounts[5]!.devPrivateKey}\n`)
    const later = new Date(Number((await connection.publicClient.getBlock()).timestamp) * 1000).toISOString()
    const out = key('cert-5.json')
    const certified = await runCli(['certify', '--grants', key('grants'), '--trail', key('trail.json'), '--keys', key('keys.json'), '--config', key('config-5.yaml'), '--auditor-key', key('auditor.key'), '--registry', deployed.registry, '--staking', deployed.staking, '--store', key('store'), '--now', later, '--out', out, '--json'])
    expect(certified.code, certified.stdout + certified.stderr).toBe(0)
    const hash = certified.json().certHash
    const published = await runCli(['publish', out, ...chain(), '--operator-key', key('operator.key'), '--agent-key', key('agent-5.key'), '--auditor-key', key('auditor.key'), '--store', key('store'), '--json'])
    expect(published.code, published.stdout + published.stderr).toBe(0)
    expect(published.json().reserve.fundedNow).toBe('15000000000')

    const opened = await runCli(['challenge', 'open', hash, '--type', 'CONSTRAINT_BYPASS', '--evidence', 'ipfs://bafkreig6rmt3ucj7urhxfdkhtp5x7y6jm2lm7rojes2zof2qpfcus4poam', '--challenger-key', key('dev-9.key'), ...chain(), '--json'])
    expect(opened.code, opened.stderr).toBe(0)
    const id = opened.json().challengeId
    expect(opened.json()).toMatchObject({ state: 'OPEN', certificateStatus: 'CHALLENGED', bond: '100000000' })
    const undecided = await runCli(['challenge', 'resolve', id, '--key', key('dev-9.key'), ...chain(), '--json'])
    expect(undecided.code).toBe(1)
    expect(undecided.json().error.code).toBe('CHALLENGE_UNDECIDED')
    const first = await runCli(['challenge', 'verdict', id, '--uphold', '--verifier-key', key('dev-6.key'), ...chain()])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toContain(`verdict of ${accounts[6]!.address}: UPHOLD`)
    const second = await runCli(['challenge', 'verdict', id, '--uphold', '--verifier-key', key('dev-7.key'), '--sender-key', key('dev-9.key'), ...chain(), '--json'])
    expect(second.code, second.stderr).toBe(0)
    expect(second.json()).toMatchObject({ state: 'UPHELD', upholders: [accounts[6]!.address, accounts[7]!.address] })
    const late = await runCli(['challenge', 'verdict', id, '--reject', '--verifier-key', key('dev-6.key'), ...chain(), '--json'])
    expect(late.code).toBe(1)
    expect(late.json().error.code).toBe('CHALLENGE_NOT_OPEN')
    const bad = await runCli(['challenge', 'verdict', id, '--verifier-key', key('dev-6.key'), ...chain()])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('exactly one of --uphold or --reject')
  })
})
