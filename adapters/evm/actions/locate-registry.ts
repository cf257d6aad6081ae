import { getAddress, type Address } from 'viem'
import { BridgeError } from '../../../src/errors.ts'
import type { RegistryPublicClient } from '../clients.ts'
import { registryAbi } from '../registry-abi.ts'
import { RegistryRevertError, registryError } from '../registry-errors.ts'

/** The contracts a registry is wired to. */
export type LocatedRegistry = { registry: Address; staking: Address; vault: Address; escrow: Address; challenges: Address }

/**
 * Checks that a CCPRegistry is deployed at `address` and reads the contracts it is wired to. No code there, or code that
 * does not answer as a CCPRegistry, is an input error (exit 2) naming the chain: usually a wrong `--registry`.
 * @example const { registry, staking, vault } = await locateRegistry(publicClient, '0x5FbDB2315678afecb367f032d93F642f64180aa3')
 */
export async function locateRegistry(publicClient: RegistryPublicClient, address: Address): Promise<LocatedRegistry> {
  const registry = getAddress(address)
  let code: string | undefined
  try {
    code = await publicClient.getCode({ address: registry })
  } catch (error) {
    throw registryError(error, 'read the registry')
  }
  if (!code || code === '0x') throw new BridgeError('REGISTRY_NOT_FOUND', `no contract at ${registry} on chain ${publicClient.chain.id}`, { kind: 'input', details: 'check --registry' })
  try {
    const read = (functionName: 'staking' | 'vault' | 'escrow' | 'challenges') => publicClient.readContract({ address: registry, abi: registryAbi, functionName })
    const [staking, vault, escrow, challenges] = await Promise.all([read('staking'), read('vault'), read('escrow'), read('challenges')])
    return { registry, staking, vault, escrow, challenges }
  } catch (error) {
    const failure = registryError(error, 'read the registry')
    if (failure.kind === 'io') throw failure
    throw new BridgeError('REGISTRY_NOT_A_REGISTRY', `the contract at ${registry} on chain ${publicClient.chain.id} is not a CCPRegistry of this version`, {
      kind: 'input',
      details: `it does not answer staking()/vault()/escrow()/challenges() (${failure instanceof RegistryRevertError ? failure.revert : failure.shortMessage}); check --registry`,
    })
  }
}
