import { decodeFunctionData, type Address, type Hash, type Hex } from 'viem'
import type { PublishSignatures } from '../../../src/ports.ts'
import type { RegistryPublicClient } from '../clients.ts'
import { registryAbi } from '../registry-abi.ts'
import { registryError } from '../registry-errors.ts'
import { getRegistryEvents } from './watch-registry-events.ts'

/**
 * The signatures of the publish that anchored `certHash`, read back from its transaction (none when it was sent through a
 * contract wallet); `null` if no publish of it is found.
 * @example const signatures = await getPublishSignatures(publicClient, registry, certHash, { fromBlock: deployBlock })
 */
export async function getPublishSignatures(publicClient: RegistryPublicClient, registry: Address, certHash: Hash, range: { fromBlock: bigint }): Promise<PublishSignatures | null> {
  const events = await getRegistryEvents(publicClient, registry, range)
  const event = events.find((e) => e.type === 'CertificatePublished' && e.certHash === certHash)
  if (!event) return null
  let from: Address
  let input: Hex
  try {
    ;({ from, input } = await publicClient.getTransaction({ hash: event.transactionHash }))
  } catch (error) {
    throw registryError(error, 'read the publish transaction')
  }
  let call
  try {
    call = decodeFunctionData({ abi: registryAbi, data: input })
  } catch {
    call = undefined
  }
  // sent through a contract wallet (the calldata is the wallet's): the registry checked the signatures then
  if (call?.functionName !== 'publish') return { txHash: event.transactionHash, operator: from }
  const [params, , attestorSigs] = call.args
  return { agentSig: params.agentSig, attestorSigs: [...attestorSigs], txHash: event.transactionHash, operator: from }
}
