import { getAddress, isAddress, type Address } from 'viem'
import { BridgeError, quoted } from '../../src/errors.ts'

/**
 * `--rpc`, falling back to $ETH_RPC_URL (as Foundry's cast does).
 * @example rpcUrl(values.rpc) // 'http://127.0.0.1:8545'
 */
export function rpcUrl(flag: string | undefined): string {
  const url = flag ?? process.env.ETH_RPC_URL
  if (!url) throw new BridgeError('RPC_MISSING', 'no EVM node: pass --rpc URL or set ETH_RPC_URL')
  return url
}

/**
 * `--registry`, falling back to $CCP_REGISTRY, checked as an EVM address (EIP-55 checksum when mixed case).
 * @example registryAddress(values.registry) // '0x5FbDB2315678afecb367f032d93F642f64180aa3'
 */
export function registryAddress(flag: string | undefined): Address {
  const text = flag ?? process.env.CCP_REGISTRY
  if (!text) throw new BridgeError('REGISTRY_MISSING', 'no registry: pass --registry ADDR or set CCP_REGISTRY')
  return evmAddress(text, '--registry')
}

/**
 * An EVM address argument in its checksummed form.
 * @example evmAddress('0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc', 'agent address')
 */
export function evmAddress(text: string, what: string): Address {
  if (!isAddress(text)) throw new BridgeError('BAD_ARGUMENTS', `${what} expects an EVM address (0x + 40 hex digits, EIP-55 checksum if mixed case), got ${quoted(text)}`)
  return getAddress(text)
}
