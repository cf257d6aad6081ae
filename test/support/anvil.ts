import { createTestClient, http, type Address, type LocalAccount } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { startAnvil, type Anvil, type AnvilOptions } from '../../adapters/evm/anvil.ts'
import { connectEvm, walletFor, type EvmConnection, type RegistryWalletClient } from '../../adapters/evm/clients.ts'
import { deployContracts, type DeployedContracts } from '../../adapters/evm/actions/deploy-contracts.ts'

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
  stop(): Promise<void>
}

/**
 * A fresh anvil on 127.0.0.1 (port 0) with the registry and staking contracts deployed by account 0
 * (who is also the challenger and slasher). One per test file.
 * @example const devnet = await startDevnet(); afterAll(() => devnet.stop())
 */
export async function startDevnet(options: AnvilOptions = {}): Promise<Devnet> {
  const anvil = await startAnvil(options)
  try {
    const connection = await connectEvm(anvil.rpcUrl)
    const account = (i: number) => privateKeyToAccount(anvil.accounts[i]!.devPrivateKey)
    const wallet = (i: number) => walletFor(connection, anvil.accounts[i]!.devPrivateKey)
    const contracts = await deployContracts(wallet(0), connection.publicClient)
    const testClient = createTestClient({ mode: 'anvil', chain: connection.chain, transport: http(anvil.rpcUrl) })
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
      stop: () => anvil.stop(),
    }
  } catch (error) {
    await anvil.stop()
    throw error
  }
}

/** A short, readable alias for addresses in tests. */
export type { Address }
