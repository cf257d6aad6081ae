import { getAddress, type Address } from 'viem'
import { BridgeError } from '../../../src/errors.ts'
import type { RegistryPublicClient } from '../clients.ts'
import { registryAbi } from '../registry-abi.ts'
import { registryError } from '../registry-errors.ts'

/**
 * Checks that a contract is deployed at `address` and reads the AuditorStaking contract the registry is wired to.
 * No code there is an input error (exit 2) naming the chain: usually a wrong `--registry`.
 * @example const { registry, staking } = await locateRegistry(publicClient, '0x5FbDB2315678afecb367f032d93F642f64180aa3')
 */
export async function locateRegistry(publicClient: RegistryPublicClient, address: Address): Promise<{ registry: Address; staking: Address }> {
  const registry = getAddress(address)
  let code: string | undefined
  try {
    code = await publicClient.getCode({ address: registry })
  } catch (error) {
    throw registryError(error, 'read the registry')
  }
  if (!code || code === '0x') throw new BridgeError('REGISTRY_NOT_FOUND', `no contract at ${registry} on chain ${publicClient.chain.id}`, { kind: 'input', details: 'check --registry' })
  try {
    return { registry, staking: await publicClient.readContract({ address: registry, abi: registryAbi, functionName: 'staking' }) }
  } catch (error) {
    throw registryError(error, 'read the staking contract')
  }
}
