import type { Address } from '../../src/ports.ts'
import type { EvmRegistry } from '../evm/registry-port.ts'

/**
 * The registry as `serve` reaches it: connected on first use and again after a failure (a node that is down when the
 * server starts, or goes away later, never stops the server: the request that needs it answers 503 and the next one
 * tries again).
 */
export type ChainAccess = {
  readonly rpcUrl: string
  readonly address: Address
  /** the registry port (with the lifecycle contracts around it), connecting when needed */
  registry(): Promise<EvmRegistry>
  /** the node's latest block number */
  blockNumber(): Promise<bigint>
}

/**
 * A lazily connected registry at `address` on the node at `rpcUrl`.
 * @example const chain = lazyChain({ rpcUrl: 'http://127.0.0.1:8545', address: '0x5FbD…' }); const block = await chain.blockNumber()
 */
export function lazyChain(options: { rpcUrl: string; address: Address; fromBlock?: bigint }): ChainAccess {
  let connecting: Promise<EvmRegistry> | undefined
  const connect = () => {
    // the EVM adapter (viem) is loaded only by a service that follows a registry
    connecting ??= import('../evm/registry-port.ts').then(({ evmRegistry }) => evmRegistry(options.rpcUrl, options.address, { fromBlock: options.fromBlock ?? 0n })).catch((error) => {
      connecting = undefined
      throw error
    })
    return connecting
  }
  return {
    rpcUrl: options.rpcUrl,
    address: options.address,
    registry: connect,
    blockNumber: async () => (await connect()).blockNumber(),
  }
}
