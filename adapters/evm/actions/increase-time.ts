import { createTestClient, http } from 'viem'
import type { EvmConnection } from '../clients.ts'
import { registryError } from '../registry-errors.ts'

/**
 * Local chains only (anvil): moves the chain clock forward by `seconds` and mines a block, so grace periods and
 * deadlines pass in a demo or a test. Returns the new block time (unix seconds).
 * @example await increaseTime(connection, 14 * 86_400)
 */
export async function increaseTime(connection: EvmConnection, seconds: number): Promise<number> {
  try {
    const testClient = createTestClient({ mode: 'anvil', chain: connection.chain, transport: http(connection.rpcUrl) })
    await testClient.increaseTime({ seconds })
    await testClient.mine({ blocks: 1 })
    return Number((await connection.publicClient.getBlock({ blockTag: 'latest' })).timestamp)
  } catch (error) {
    throw registryError(error, 'move the chain clock (anvil only)')
  }
}
