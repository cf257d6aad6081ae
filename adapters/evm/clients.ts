import { createPublicClient, createWalletClient, defineChain, http, type Account, type Chain, type PublicClient, type Transport, type WalletClient } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { BridgeError } from '../../src/errors.ts'

/** A wallet client that always has its account and chain (what every write action takes). */
export type RegistryWalletClient = WalletClient<Transport, Chain, Account>
export type RegistryPublicClient = PublicClient<Transport, Chain>

export type EvmConnection = { chainId: number; chain: Chain; publicClient: RegistryPublicClient; rpcUrl: string }

/**
 * Connects to an EVM JSON-RPC endpoint and reads its chain id; an unreachable endpoint is a BridgeError (kind io, exit 2).
 * @example const { publicClient, chainId } = await connectEvm('http://127.0.0.1:8545')
 */
export async function connectEvm(rpcUrl: string): Promise<EvmConnection> {
  let url: URL
  try {
    url = new URL(rpcUrl)
  } catch (cause) {
    throw new BridgeError('RPC_URL_INVALID', `--rpc expects an http(s) URL, got ${JSON.stringify(rpcUrl)}`, { cause })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BridgeError('RPC_URL_INVALID', `--rpc expects an http(s) URL, got ${JSON.stringify(rpcUrl)}`)
  }
  const probe = createPublicClient({ transport: http(rpcUrl, { retryCount: 0, timeout: 10_000 }) })
  let chainId: number
  try {
    chainId = await probe.getChainId()
  } catch (cause) {
    throw new BridgeError('RPC_UNREACHABLE', `cannot reach the EVM node at ${rpcUrl}`, {
      kind: 'io',
      cause,
      details: (cause as { shortMessage?: string }).shortMessage ?? (cause as Error).message,
    })
  }
  const chain = evmChain(chainId, rpcUrl)
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl, { retryCount: 1 }), pollingInterval: 200 }) as RegistryPublicClient
  return { chainId, chain, publicClient, rpcUrl }
}

/**
 * A wallet client for `privateKey` on a connection (the key stays in memory, never printed).
 * @example const wallet = walletFor(connection, await loadKey(values.key, 'key'))
 */
export function walletFor(connection: EvmConnection, privateKey: `0x${string}`): RegistryWalletClient {
  return createWalletClient({ account: privateKeyToAccount(privateKey), chain: connection.chain, transport: http(connection.rpcUrl, { retryCount: 1 }) })
}

/**
 * A viem chain description for a chain known only by its id and RPC URL.
 * @example evmChain(31337, 'http://127.0.0.1:8545').id // 31337
 */
export function evmChain(chainId: number, rpcUrl: string): Chain {
  return defineChain({
    id: chainId,
    name: chainId === 31337 ? 'anvil' : `chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  })
}
