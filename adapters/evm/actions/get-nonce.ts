import type { Address } from 'viem'
import type { RegistryPublicClient } from '../clients.ts'
import { registryAbi } from '../registry-abi.ts'
import { registryError } from '../registry-errors.ts'

/**
 * The next `Publish` nonce of a signer (operator or agent); publish consumes it. With `blockNumber`, the nonce as of that block.
 * @example const nonce = await getNonce(publicClient, registry, operator.address)
 */
export async function getNonce(publicClient: RegistryPublicClient, registry: Address, signer: Address, at: { blockNumber?: bigint } = {}): Promise<bigint> {
  try {
    return await publicClient.readContract({ address: registry, abi: registryAbi, functionName: 'nonces', args: [signer], ...(at.blockNumber !== undefined ? { blockNumber: at.blockNumber } : {}) })
  } catch (error) {
    throw registryError(error, 'nonces')
  }
}
