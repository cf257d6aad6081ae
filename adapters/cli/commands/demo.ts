import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildScenario, SCENARIO, writeScenario } from '../../../fixtures/scripts/scenario.ts'
import { certify } from '../../../src/bridge/certify.ts'
import { publish } from '../../../src/bridge/publish.ts'
import { watchOnce } from '../../../src/bridge/watch.ts'
import { verifyAgent } from '../../../src/verify/verify-agent.ts'
import { BridgeError } from '../../../src/errors.ts'
import { startAnvil } from '../../evm/anvil.ts'
import { connectEvm, walletFor } from '../../evm/clients.ts'
import { deployContracts } from '../../evm/actions/deploy-contracts.ts'
import { fileGrantSource } from '../../gar/file-grant-source.ts'
import { jsonStateStore } from '../../store/json-state-store.ts'
import { localContentStore } from '../../store/local-content-store.ts'
import { parseCommandArgs } from '../args.ts'
import { readConfig, readKeys, readPolicy, readTrail } from '../bridge-context.ts'
import { evmRegistry, keySigner } from '../../evm/registry-port.ts'

/**
 * `ccp-bridge demo` (what `npm start` runs): the whole story on embedded defaults — anvil started and stopped,
 * contracts deployed, the dragon-1 / era 412 scenario generated, certify, publish to a local store, verify-agent as a
 * counterparty, the user revokes the grant and the watcher revokes the certificate. Leaves nothing running.
 * @example node bin/ccp-bridge.mjs demo --keep
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { keep: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean' } }, 'ccp-bridge demo')
  if (values.help) {
    process.stdout.write('ccp-bridge demo [--keep]: runs the whole story on a local anvil; --keep leaves the temp folder for inspection\n')
    return 0
  }
  const started = Date.now()
  const dir = await mkdtemp(join(tmpdir(), 'ccp-bridge-demo-'))
  const say = (line: string) => process.stdout.write(`${line}\n`)
  const step = (n: number, title: string) => say(`\n${n}. ${title}`)
  const now = new Date(SCENARIO.now)
  const anvil = await startAnvil({ timestamp: Math.floor(now.getTime() / 1000) })
  try {
    step(1, 'Local chain')
    const scenario = buildScenario()
    writeScenario(dir, scenario)
    const connection = await connectEvm(anvil.rpcUrl)
    const deployed = await deployContracts(walletFor(connection, scenario.evm.deployer.devPrivateKey), connection.publicClient)
    say(`   anvil ${anvil.rpcUrl} (chain ${anvil.chainId}, pid ${anvil.pid})`)
    say(`   CCPRegistry ${deployed.registry}   AuditorStaking ${deployed.staking}`)

    step(2, `Scenario: cluster ${SCENARIO.cluster}, era ${SCENARIO.era} (fixed seeds, in ${dir})`)
    say(`   user ed25519:${scenario.userKey.slice(0, 16)}… grants agent ed25519:${scenario.agentServiceKey.slice(0, 16)}… ${SCENARIO.scopeId} access (${SCENARIO.vaultId})`)
    say(`   grant ${scenario.grantHash}, ${SCENARIO.recordCount} SCP records signed by agent-derived-key + orchestrator + agent-runtime, 1 batch, 4 of 5 validators PASS`)

    const registry = await evmRegistry(anvil.rpcUrl, deployed.registry)
    const store = localContentStore(join(dir, 'store'))
    const state = jsonStateStore(join(dir, 'state.json'))
    const operator = keySigner(scenario.evm.operator.devPrivateKey)
    const agent = keySigner(scenario.evm.agent.devPrivateKey)
    const auditor = keySigner(scenario.evm.auditor.devPrivateKey)
    const grants = fileGrantSource([join(dir, 'grants')])

    step(3, 'certify')
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
    const certFile = join(dir, 'certificate.json')
    const bytes = new TextEncoder().encode(`${JSON.stringify(result.certificate, null, 2)}\n`)
    await writeFile(certFile, bytes)
    const c = result.certificate
    say(`   ${c.derived_metrics.certificate_class} certificate ${result.certHash}`)
    say(`   agent ${c.identity.agent_id}, operator ${c.identity.operator_id}, auditor ${auditor.address}`)
    say(`   valid ${c.validity.issued_at} → ${c.validity.expires_at}, bound ${c.derived_metrics.containment_bound} ${c.derived_metrics.containment_bound_denomination}`)
    say(`   PERMISSION_BOUNDARY from grant ${result.grantHashes[0]}; trail ${result.report.validSignatures}/${result.report.signatures} signatures, ${result.report.outOfScope} out of scope, ${result.report.attested} records attested; report ${result.reportUri}`)

    step(4, 'publish (store, then anchor; checked by re-reading both)')
    const published = await publish({ bytes, store, registry, state, operator, agent, auditors: [auditor] })
    say(`   stored ${published.uri}`)
    say(`   anchored tx ${published.txHash}`)

    step(5, 'verify-agent as a counterparty')
    const policy = await readPolicy(join(dir, 'policy.json'))
    const first = await verifyAgent({ agent: c.identity.agent_id as `0x${string}`, registry, store, policy, now })
    say(`   decision ${first.decision.toUpperCase()}${first.reasons.length ? `: ${first.reasons.map((r) => r.message).join('; ')}` : ' (CID, certHash = chain, rules, 3 signatures, ACTIVE, policy, concentration)'}`)

    step(6, 'the user revokes the grant; the watcher reacts')
    const ports = { registry, gar: grants, store, state, operator }
    for (const e of await watchOnce(ports, { now })) if (e.kind === 'tracked') say(`   watcher tracks ${e.certHash}`)
    await copyFile(join(dir, 'revoked', 'calendar.json'), join(dir, 'grants', 'calendar.json'))
    say(`   GAR now serves the grant with revoked: true (signed by the user, ${SCENARIO.revokedAt})`)
    for (const e of await watchOnce(ports, { now: new Date(SCENARIO.revokedAt) })) {
      if (e.kind === 'revoked') say(`   watcher REVOKED ${e.certHash} (tx ${e.txHash}): ${e.reason}`)
    }
    const after = await verifyAgent({ agent: c.identity.agent_id as `0x${string}`, registry, store, policy, now: new Date(SCENARIO.revokedAt) })
    say(`   verify-agent now: ${after.decision.toUpperCase()} (${after.reasons[0]?.message ?? 'no reason'})`)

    say(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s; anvil stopped${values.keep ? `; files kept in ${dir}` : ', temp files removed'}`)
    return first.decision === 'accept' && after.decision === 'reject' ? 0 : 1
  } finally {
    await anvil.stop()
    if (!values.keep) await rm(dir, { recursive: true, force: true })
  }
}
