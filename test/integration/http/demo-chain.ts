import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildScenario, SCENARIO, writeScenario, type Scenario } from '../../../fixtures/scripts/scenario.ts'
import { deployContracts, type DeployedContracts } from '../../../adapters/evm/actions/deploy-contracts.ts'
import { startAnvil, type Anvil } from '../../../adapters/evm/anvil.ts'
import { connectEvm, walletFor } from '../../../adapters/evm/clients.ts'
import { keySigner } from '../../../adapters/evm/registry-port.ts'
import { httpGrantSource } from '../../../adapters/gar/http-grant-source.ts'
import type { ServiceOptions } from '../../../adapters/http/service.ts'
import { certifyScenario } from '../../support/certify-cli.ts'
import { runCli } from '../../support/cli.ts'
import { startGarServer, type GarServer } from '../../support/gar-server.ts'

/**
 * The demo scenario on a fresh anvil (its clock at the scenario's "now"), with the registry deployed and a loopback GAR
 * serving the user's grant: what the service tests, the browser test and the benchmark run against. `certifyAndPublish`
 * drives the real CLI (`certify`, then `publish`), as a marketplace would.
 * @example const chain = await startDemoChain(); const { certHash } = await chain.certifyAndPublish(); …; await chain.stop()
 */
export async function startDemoChain(): Promise<DemoChain> {
  const dir = mkdtempSync(join(tmpdir(), 'ccp-serve-demo-'))
  const scenario = buildScenario()
  writeScenario(dir, scenario)
  const anvil = await startAnvil({ timestamp: Date.parse(SCENARIO.now) / 1000 })
  let gar: GarServer | undefined
  try {
    const connection = await connectEvm(anvil.rpcUrl)
    const deployed = await deployContracts(walletFor(connection, scenario.evm.deployer.devPrivateKey), connection.publicClient)
    gar = await startGarServer()
    gar.setAgreements(scenario.agentServiceKey, [JSON.parse(readFileSync(join(dir, 'grants', 'calendar.json'), 'utf8'))])
    const garServer = gar
    return {
      dir,
      scenario,
      anvil,
      deployed,
      gar: garServer,
      storeDir: join(dir, 'store'),
      operatorKey: scenario.evm.operator.devPrivateKey,
      agent: scenario.evm.agent.address,
      async certifyAndPublish() {
        const out = join(dir, 'cert.json')
        const certified = await certifyScenario(dir, deployed, out)
        if (certified.code !== 0) throw new Error(`certify failed (${certified.code}): ${certified.stdout}${certified.stderr}`)
        const published = await runCli(
          ['publish', out, '--rpc', anvil.rpcUrl, '--registry', deployed.registry, '--operator-key', join(dir, 'operator.key'), '--agent-key', join(dir, 'agent.key'), '--auditor-key', join(dir, 'auditor.key'), '--store', join(dir, 'store'), '--json'],
          { env: { DATABASE_URL: '' } },
        )
        if (published.code !== 0) throw new Error(`publish failed (${published.code}): ${published.stdout}${published.stderr}`)
        const summary = published.json() as { certHash: `0x${string}`; uri: string }
        return { certHash: summary.certHash, uri: summary.uri, file: out, bytes: readFileSync(out) }
      },
      revokeGrant() {
        garServer.setAgreements(scenario.agentServiceKey, [JSON.parse(readFileSync(join(dir, 'revoked', 'calendar.json'), 'utf8'))])
      },
      async stop() {
        await garServer.close()
        await anvil.stop()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  } catch (error) {
    await gar?.close()
    await anvil.stop()
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
}

/**
 * How a test service follows the demo chain: its registry (through `rpcUrl`, default anvil), the content store certify
 * wrote to, a watcher that revokes for the operator with the loopback GAR, and the clock fixed at the scenario's "now".
 * @example const t = await startTestService('pglite', demoServiceOptions(chain))
 */
export function demoServiceOptions(chain: DemoChain, rpcUrl = chain.anvil.rpcUrl): Partial<ServiceOptions> {
  return {
    rpcUrl,
    registry: chain.deployed.registry,
    storeDir: chain.storeDir,
    operator: keySigner(chain.operatorKey),
    gar: httpGrantSource(chain.gar.url),
    watcher: { intervalMs: 200, confirmations: 0 },
    now: new Date(SCENARIO.now),
  }
}

export type DemoChain = {
  dir: string
  scenario: Scenario
  anvil: Anvil
  deployed: DeployedContracts
  gar: GarServer
  /** the content store certify and publish write to (the service reads documents from it) */
  storeDir: string
  operatorKey: `0x${string}`
  agent: `0x${string}`
  certifyAndPublish(): Promise<{ certHash: `0x${string}`; uri: string; file: string; bytes: Buffer }>
  /** the user revokes the grant: GAR serves the envelope signed with `revoked: true` from now on */
  revokeGrant(): void
  stop(): Promise<void>
}
