import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseAbiItem, toFunctionSelector, type Address } from 'viem'
import { buildScenario, SCENARIO } from '../../../fixtures/scripts/scenario.ts'
import { startAnvil, type Anvil } from '../../../adapters/evm/anvil.ts'
import { deployContracts, type DeployedContracts } from '../../../adapters/evm/actions/deploy-contracts.ts'
import { connectEvm, walletFor, type EvmConnection } from '../../../adapters/evm/clients.ts'
import { devAccounts } from '../../../adapters/evm/dev-accounts.ts'
import { evmRegistry, keySigner } from '../../../adapters/evm/registry-port.ts'
import { localContentStore } from '../../../adapters/store/local-content-store.ts'
import { certify } from '../../../src/bridge/certify.ts'
import { publish } from '../../../src/bridge/publish.ts'
import type { ContentStore, Hex, Registry } from '../../../src/ports.ts'
import { memoryState, scenarioEvidence } from '../../unit/bridge/memory-ports.ts'

export const scenario = buildScenario()
const accounts = devAccounts(30) // agents need no ether (the operator sends): any index works

export type ScenarioChain = {
  anvil: Anvil
  connection: EvmConnection
  deployed: DeployedContracts
  registry: Registry
  /** the local content store the certificates and trail reports are in */
  store: ContentStore
  storeDir: string
  dir: string
  /** certifies and publishes the scenario's certificate for dev account `agentIndex` (2: the scenario's agent); returns its certHash */
  publishFor(agentIndex?: number): Promise<Hex>
  /** evm_snapshot: returns the id to revert to */
  snapshot(): Promise<Hex>
  /** evm_revert to a snapshot: every block after it is dropped */
  revert(id: Hex): Promise<void>
  mine(blocks: number): Promise<void>
  /** the transactions on the chain that call the registry's revoke(bytes32), and the CertificateRevoked events of `certHash` */
  revocations(certHash: Hex): Promise<{ transactions: number; events: number }>
  stop(): Promise<void>
}

/**
 * A fresh anvil (clock at the scenario's "now") with the registry deployed, a local store in a temp folder, and the
 * scenario's certificate published in-process by the real use cases (certify, publish) through the EVM adapter.
 * @example const chain = await scenarioChain(); const certHash = await chain.publishFor(); …; await chain.stop()
 */
export async function scenarioChain(): Promise<ScenarioChain> {
  const dir = mkdtempSync(join(tmpdir(), 'ccp-watch-'))
  const anvil = await startAnvil({ timestamp: Date.parse(SCENARIO.now) / 1000 })
  try {
    const connection = await connectEvm(anvil.rpcUrl)
    const deployed = await deployContracts(walletFor(connection, scenario.evm.deployer.devPrivateKey), connection.publicClient)
    const registry = await evmRegistry(anvil.rpcUrl, deployed.registry)
    const storeDir = join(dir, 'store')
    const store = localContentStore(storeDir)
    const rpc = (method: string, params: unknown[] = []) => connection.publicClient.request({ method: method as never, params: params as never })
    return {
      anvil,
      connection,
      deployed,
      registry,
      store,
      storeDir,
      dir,
      async publishFor(agentIndex = 2) {
        const evidence = scenarioEvidence(scenario)
        const agent = accounts[agentIndex]!
        evidence.config.identity.agent_id = agent.address
        const auditor = keySigner(scenario.evm.auditor.devPrivateKey)
        const result = await certify({ ...evidence, now: new Date(SCENARIO.now), registry: { chainId: registry.chainId, address: registry.address }, stakeContract: deployed.staking, auditor, store })
        if (!result.certified) throw new Error(`certify refused: ${JSON.stringify(result.refusals)}`)
        const bytes = new TextEncoder().encode(JSON.stringify(result.certificate))
        await publish({ bytes, store, registry, state: memoryState(), operator: keySigner(scenario.evm.operator.devPrivateKey), agent: keySigner(agent.devPrivateKey), auditors: [auditor], now: new Date(SCENARIO.now) })
        return result.certHash
      },
      snapshot: async () => (await rpc('evm_snapshot')) as Hex,
      revert: async (id) => {
        if ((await rpc('evm_revert', [id])) !== true) throw new Error(`evm_revert ${id} failed`)
      },
      mine: async (blocks) => void (await rpc('anvil_mine', [`0x${blocks.toString(16)}`])),
      async revocations(certHash) {
        const client = connection.publicClient
        const latest = await client.getBlockNumber()
        const selector = toFunctionSelector('revoke(bytes32)')
        let transactions = 0
        for (let n = 0n; n <= latest; n++) {
          const block = await client.getBlock({ blockNumber: n, includeTransactions: true })
          transactions += block.transactions.filter((tx) => tx.to?.toLowerCase() === deployed.registry.toLowerCase() && tx.input.startsWith(selector) && tx.input.slice(10).toLowerCase() === certHash.slice(2).toLowerCase()).length
        }
        const logs = await client.getLogs({ address: deployed.registry as Address, event: parseAbiItem('event CertificateRevoked(bytes32 indexed certHash, address indexed agent)'), args: { certHash }, fromBlock: 0n, toBlock: latest })
        return { transactions, events: logs.length }
      },
      async stop() {
        await anvil.stop()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  } catch (error) {
    await anvil.stop()
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
}

/** The scenario's grant as GAR serves it, and the user's signed revocation of it. */
export const grants = {
  active: () => JSON.parse(scenario.files['grants/calendar.json']!) as unknown,
  revoked: () => JSON.parse(scenario.files['revoked/calendar.json']!) as unknown,
}
