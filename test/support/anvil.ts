import { createTestClient, http, type Address, type LocalAccount } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { startAnvil, type Anvil, type AnvilOptions } from '../../adapters/evm/anvil.ts'
import { connectEvm, walletFor, type EvmConnection, type RegistryWalletClient } from '../../adapters/evm/clients.ts'
import { deployContracts, type DeployedContracts, type DeploymentParameters } from '../../adapters/evm/actions/deploy-contracts.ts'
import { setVerifier } from '../../adapters/evm/actions/challenges.ts'

export type Devnet = {
  anvil: Anvil
  connection: EvmConnection
  contracts: DeployedContracts
  /** anvil's dev account `i` as a local (signing) account */
  account(i: number): LocalAccount
  /** a wallet client for dev account `i` */
  wallet(i: number): RegistryWalletClient
  /** moves the chain clock forward and mines a block (evm_increaseTime + evm_mine) */
  increaseTime(seconds: number): Promise<void>
  /** the latest block's timestamp */
  now(): Promise<number>
  /** anvil's test client (automine, mining, snapshots) */
  testClient: ReturnType<typeof createTestClient>
  stop(): Promise<void>
}

/** Dev accounts 6, 7 and 8: the verifier panel `startDevnet` registers (dev account 0 is the governor). */
export const VERIFIERS = [6, 7, 8] as const

/**
 * A fresh anvil on 127.0.0.1 (port 0) with every contract deployed by account 0 (`deployContracts`: registry, DemoUSDC
 * minted to every dev account, staking, vault, escrow, challenges; account 0 governs the verifier set) and dev accounts
 * 6, 7, 8 registered as verifiers, one second before the tests start. One per test file.
 * @example const devnet = await startDevnet(); afterAll(() => devnet.stop())
 */
export async function startDevnet(options: AnvilOptions & { deployment?: DeploymentParameters } = {}): Promise<Devnet> {
  const { deployment, ...anvilOptions } = options
  const anvil = await startAnvil(anvilOptions)
  try {
    const connection = await connectEvm(anvil.rpcUrl)
    const account = (i: number) => privateKeyToAccount(anvil.accounts[i]!.devPrivateKey)
    const wallet = (i: number) => walletFor(connection, anvil.accounts[i]!.devPrivateKey)
    const contracts = await deployContracts(wallet(0), connection.publicClient, deployment)
    for (const i of VERIFIERS) await setVerifier(wallet(0), connection.publicClient, contracts.challenges, account(i).address, true)
    const testClient = createTestClient({ mode: 'anvil', chain: connection.chain, transport: http(anvil.rpcUrl) })
    await testClient.increaseTime({ seconds: 1 })
    await testClient.mine({ blocks: 1 })
    return {
      anvil,
      connection,
      contracts,
      account,
      wallet,
      increaseTime: async (seconds) => {
        await testClient.increaseTime({ seconds })
        await testClient.mine({ blocks: 1 })
      },
      now: async () => Number((await connection.publicClient.getBlock({ blockTag: 'latest' })).timestamp),
      testClient,
      stop: () => anvil.stop(),
    }
  } catch (error) {
    await anvil.stop()
    throw error
  }
}

/** A short, readable alias for addresses in tests. */
export type { Address }
