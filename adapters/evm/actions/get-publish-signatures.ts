import { decodeFunctionData, getAddress, type Address, type Hash, type Hex } from 'viem'
import type { PublishSignatures } from '../../../src/ports.ts'
import type { RegistryPublicClient } from '../clients.ts'
import { registryAbi } from '../registry-abi.ts'
import { registryError } from '../registry-errors.ts'
import { getNonce } from './get-nonce.ts'
import { getRegistryEvents } from './watch-registry-events.ts'

/**
 * The signatures of the publish that anchored `certHash`, read back from its transaction, with the operator's and
 * agent's nonces as of the block before it (one publish per signer per block in practice); `null` if none is found.
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
  const call = decodeFunctionData({ abi: registryAbi, data: input })
  if (call.functionName !== 'publish') return null
  const [params, operatorSig, attestorSigs] = call.args
  const before = { blockNumber: event.blockNumber - 1n }
  const nonce = await getNonce(publicClient, registry, from, before)
  const agentNonce = getAddress(params.agent) === getAddress(from) ? nonce : await getNonce(publicClient, registry, params.agent, before)
  return { operatorSig, agentSig: params.agentSig, attestorSigs: [...attestorSigs], nonce, agentNonce, txHash: event.transactionHash, operator: from }
}
