import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildScenario, SCENARIO, writeScenario } from '../../../fixtures/scripts/scenario.ts'
import { attest } from '../../../src/bridge/attest.ts'
import { requestAudit } from '../../../src/bridge/audit-request.ts'
import { certify } from '../../../src/bridge/certify.ts'
import { openChallenge } from '../../../src/bridge/challenge.ts'
import { certificateLifecycle } from '../../../src/bridge/lifecycle.ts'
import { publish } from '../../../src/bridge/publish.ts'
import { fundReserve } from '../../../src/bridge/reserve.ts'
import { settle } from '../../../src/bridge/settle.ts'
import { verifyAgent } from '../../../src/verify/verify-agent.ts'
import { BridgeError } from '../../../src/errors.ts'
import { startAnvil } from '../../evm/anvil.ts'
import { connectEvm, walletFor } from '../../evm/clients.ts'
import { deployContracts } from '../../evm/actions/deploy-contracts.ts'
import { increaseTime } from '../../evm/actions/increase-time.ts'
import { sendContractTransaction } from '../../evm/actions/send-contract-transaction.ts'
import { tokenAbi } from '../../evm/registry-abi.ts'
import { fileGrantSource } from '../../gar/file-grant-source.ts'
import { jsonStateStore } from '../../store/json-state-store.ts'
import { localContentStore } from '../../store/local-content-store.ts'
import { parseCommandArgs } from '../args.ts'
import { readConfig, readKeys, readPolicy, readTrail } from '../bridge-context.ts'
import { printJson, writeOut } from '../output.ts'
import { evmRegistry, keySigner } from '../../evm/registry-port.ts'
import { amountText } from './chain-context.ts'

const HELP = `ccp-bridge demo [--keep] [--json]

The whole lifecycle on a local anvil (what \`npm start\` runs), leaving nothing running: deploy the contracts, certify the
dragon-1 / era 412 scenario's agent, fund its reserve, request and escrow the audit fee, the auditor attests and stakes,
publish (anchor, then store), verify-agent as a counterparty, the reserve token's issuer seizes part of the vault, a
RESERVE_SHORTFALL challenge is upheld on chain (revoked, stake slashed 30/50/20, fee clawed back), and after the grace
period the certificate is settled. --json prints one JSON document with every step; --keep keeps the temp folder.
`

type Step = { step: number; title: string; lines: string[]; data: Record<string, unknown> }

/**
 * `ccp-bridge demo` (what `npm start` runs): seed 004 end to end on embedded defaults. Exit 0 when every step ends as the
 * story says (ACCEPT before, REJECT after the upheld challenge, settled).
 * @example node bin/ccp-bridge.mjs demo --json
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { keep: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean' } }, 'ccp-bridge demo', [])
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  const started = Date.now()
  const json = values.json === true
  const steps: Step[] = []
  const step = (title: string, lines: string[], data: Record<string, unknown> = {}) => {
    const entry = { step: steps.length + 1, title, lines, data }
    steps.push(entry)
    if (!json) writeOut(`\n${entry.step}. ${title}\n${lines.map((l) => `   ${l}\n`).join('')}`)
  }
  const dir = await mkdtemp(join(tmpdir(), 'ccp-bridge-demo-'))
  const now = new Date(SCENARIO.now)
  const anvil = await startAnvil({ timestamp: Math.floor(now.getTime() / 1000) })
  let ok = false
  try {
    const scenario = buildScenario()
    writeScenario(dir, scenario)
    const connection = await connectEvm(anvil.rpcUrl)
    const issuer = walletFor(connection, scenario.evm.deployer.devPrivateKey)
    const deployed = await deployContracts(issuer, connection.publicClient)
    const registry = await evmRegistry(anvil.rpcUrl, deployed.registry)
    const usdc = { symbol: 'USDC', decimals: 6 }
    step('Local chain', [
      `anvil ${anvil.rpcUrl} (chain ${anvil.chainId}, pid ${anvil.pid})`,
      `CCPRegistry ${deployed.registry}   ReserveVault ${deployed.vault}   FeeEscrow ${deployed.escrow}`,
      `AuditorStaking ${deployed.staking}   CCPChallenges ${deployed.challenges}`,
      `DemoUSDC ${deployed.stakeToken} (6 decimals, exogenous); min stake C2 ${amountText(deployed.minStake.C2, usdc)}, min bond ${amountText(deployed.minBond, usdc)}`,
    ], { rpcUrl: anvil.rpcUrl, chainId: anvil.chainId, anvilPid: anvil.pid, contracts: deployed })

    const store = localContentStore(join(dir, 'store'))
    const state = jsonStateStore(join(dir, 'state.json'))
    const operator = keySigner(scenario.evm.operator.devPrivateKey)
    const agent = keySigner(scenario.evm.agent.devPrivateKey)
    const auditor = keySigner(scenario.evm.auditor.devPrivateKey)
    const counterparty = keySigner(scenario.evm.counterparty.devPrivateKey)
    const grants = fileGrantSource([join(dir, 'grants')])
    step(`Scenario: cluster ${SCENARIO.cluster}, era ${SCENARIO.era} (fixed seeds, in ${dir})`, [
      `user ed25519:${scenario.userKey.slice(0, 16)}… grants agent ed25519:${scenario.agentServiceKey.slice(0, 16)}… ${SCENARIO.scopeId} access (${SCENARIO.vaultId})`,
      `grant ${scenario.grantHash}, ${SCENARIO.recordCount} SCP records signed by agent-derived-key + orchestrator + agent-runtime, 1 batch, 4 of 5 validators PASS`,
    ], { dir, grant: scenario.grantHash })

    const result = await certify({
      config: await readConfig(join(dir, 'config.yaml')),
      grants: await grants.agreements(`0x${scenario.agentServiceKey}`),
      trail: await readTrail([join(dir, 'trail.json')]),
      keys: await readKeys(join(dir, 'keys.json')),
      now,
      registry: { chainId: registry.chainId, address: registry.address },
      stakeContract: deployed.staking,
      auditor,
      store,
    })
    if (!result.certified) throw new BridgeError('DEMO_CERTIFY_REFUSED', `certify refused: ${result.refusals.map((r) => r.message).join('; ')}`, { kind: 'internal' })
    const c = result.certificate
    const certHash = result.certHash
    step('certify (the bridge audits the trail and attests ACTIVITY_TRAIL_VERIFICATION)', [
      `${c.derived_metrics.certificate_class} certificate ${certHash}`,
      `agent ${c.identity.agent_id}, operator ${c.identity.operator_id}, auditor ${auditor.address}`,
      `valid ${c.validity.issued_at} → ${c.validity.expires_at}, bound ${c.derived_metrics.containment_bound} ${c.derived_metrics.containment_bound_denomination}, reserve ${c.reserve.amount} ${c.reserve.denomination} (${c.reserve.reserve_ratio}×)`,
      `trail ${result.report.validSignatures}/${result.report.signatures} signatures, ${result.report.outOfScope} out of scope; report ${result.reportUri}`,
    ], { certHash, reportUri: result.reportUri })

    const funded = await fundReserve({ certificate: c, registry, operator })
    step('fund the reserve (stage 2)', [`operator deposits ${amountText(funded.fundedNow, funded)} in the ReserveVault (tx ${funded.txHash}); the class needs ${amountText(funded.required, funded)}`], { reserve: funded })

    const { request } = await requestAudit({ lifecycle: registry, operator, auditor: auditor.address, fee: '500' })
    step('request the audit (stage 3)', [`operator escrows ${amountText(request.amount, usdc)} in the FeeEscrow for auditor ${request.auditor}: request ${request.requestId}`], { request })

    const attested = await attest({ certificate: c, registry, auditor, requestId: request.requestId })
    const bytes = new TextEncoder().encode(`${JSON.stringify(attested.certificate, null, 2)}\n`)
    await writeFile(join(dir, 'certificate.json'), bytes)
    step('attest and stake (stage 5)', [
      `auditor ${auditor.address} bonds ${amountText(attested.bond.free + attested.bond.locked, usdc)}, stakes ${amountText(attested.stake.staked, usdc)} for the certificate, accepts the fee request`,
    ], { stake: attested.stake, bond: attested.bond, accepted: attested.accepted })

    const published = await publish({ bytes, store, registry, state, operator, agent, now })
    step('publish (anchor first, then store; the registry checks reserve and stake on chain)', [
      `anchored tx ${published.txHash}: reserve ${amountText(published.reserve.amount, published.reserve)} locked, stake ${amountText(published.stakes[0]!.staked, usdc)}`,
      `stored ${published.uri} after the anchor was mined`,
    ], { published })

    const policy = await readPolicy(join(dir, 'policy.json'))
    const first = await verifyAgent({ agent: c.identity.agent_id as `0x${string}`, registry, store, policy, now })
    step('verify-agent as a counterparty', [
      `decision ${first.decision.toUpperCase()}${first.reasons.length ? `: ${first.reasons.map((r) => r.message).join('; ')}` : ' (CID, certHash = chain, rules, signatures, reserve locked, stake, ACTIVE, policy, concentration)'}`,
    ], { decision: first.decision, reasons: first.reasons })

    const seized = 6_000_000_000n
    await sendContractTransaction(issuer, connection.publicClient, { address: deployed.stakeToken, abi: tokenAbi, functionName: 'seize', args: [deployed.vault, seized] }, 'seize')
    const { challenge, record } = await openChallenge({ registry, challenger: counterparty, certHash, kind: 'RESERVE_SHORTFALL' })
    const afterChallenge = await verifyAgent({ agent: c.identity.agent_id as `0x${string}`, registry, store, policy, now })
    const balance = (account: `0x${string}`) => registry.tokenBalance(deployed.stakeToken, account)
    const burned = await balance('0x000000000000000000000000000000000000dEaD')
    step('the reserve falls short; a RESERVE_SHORTFALL challenge is judged on chain', [
      `the USDC issuer seizes ${amountText(seized, usdc)} from the vault: it now backs 9000 of the 15000 USDC the C2 needs`,
      `counterparty ${counterparty.address} challenges (bond ${amountText(challenge.bond, usdc)}): ${challenge.state}; certificate ${record.status}`,
      `auditor's stake slashed: ${amountText(1_500_000_000n * 30n / 100n, usdc)} to the challenger, ${amountText(burned, usdc)} burned (no verifier judged it); fee clawed back to the operator; bond returned`,
      `verify-agent now: ${afterChallenge.decision.toUpperCase()} (${afterChallenge.reasons[0]?.message ?? 'no reason'})`,
    ], { challenge, certificateStatus: record.status, decision: afterChallenge.decision, burned })

    const grace = (await registry.deployment()).grace.C2
    await increaseTime(connection, grace)
    const operatorBefore = await balance(operator.address)
    const keeper = keySigner(anvil.accounts[9]!.devPrivateKey)
    const settled = await settle({ registry, keeper, certHash })
    const view = await certificateLifecycle({ registry, certHash })
    const released = (await balance(operator.address)) - operatorBefore
    step(`settle after the ${grace / 86_400}-day grace period (stage 12)`, [
      `a keeper settles (tx ${settled.txHash}): ${amountText(released, usdc)} reserve released to the operator; lifecycle ${view.lifecycle.status}, settled ${view.lifecycle.settled}`,
    ], { txHash: settled.txHash, released, lifecycle: view.lifecycle })

    ok = first.decision === 'accept' && challenge.state === 'UPHELD' && afterChallenge.decision === 'reject' && view.lifecycle.settled
  } finally {
    await anvil.stop()
    if (!values.keep) await rm(dir, { recursive: true, force: true })
  }
  const seconds = (Date.now() - started) / 1000
  if (json) printJson({ ok, seconds: Number(seconds.toFixed(1)), anvilStopped: true, kept: values.keep ? dir : null, steps })
  else writeOut(`\ndone in ${seconds.toFixed(1)} s; anvil stopped${values.keep ? `; files kept in ${dir}` : ', temp files removed'}\n`)
  return ok ? 0 : 1
}
