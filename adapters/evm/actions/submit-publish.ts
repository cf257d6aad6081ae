import type { Address, Hex, LocalAccount, TransactionReceipt } from 'viem'
import type { PublishParams, UnsignedPublishParams } from '../../../src/certificate/onchain.ts'
import type { TypedDataSigner } from '../../../src/ports.ts'
import { publishMessage } from '../../../src/certificate/onchain.ts'
import type { RegistryPublicClient, RegistryWalletClient } from '../clients.ts'
import { getNonce } from './get-nonce.ts'
import { sendRegistryTransaction } from './send-registry-transaction.ts'
import { signPublish } from './sign-typed.ts'

export type SignedPublish = { params: PublishParams; operatorSig: Hex; attestorSigs: Hex[] }

/**
 * Signs `Publish` naming the wallet's account as operator, for the operator (at its current nonce) and the agent (at
 * its nonce): the agent's co-signature is valid only for a publish sent by that operator.
 * @example const signed = await signPublishParams(wallet, client, registry, { params, agent, attestorSigs })
 */
export async function signPublishParams(
  walletClient: RegistryWalletClient,
  publicClient: RegistryPublicClient,
  registry: Address,
  input: { params: UnsignedPublishParams; agent: TypedDataSigner; attestorSigs: Hex[] },
): Promise<SignedPublish> {
  const operator = walletClient.account as LocalAccount
  const chainId = publicClient.chain.id
  const operatorNonce = await getNonce(publicClient, registry, operator.address)
  const operatorSig = await signPublish(operator, { chainId, registry, message: publishMessage(input.params, operator.address, operatorNonce) })
  const agentNonce = input.agent.address === operator.address ? operatorNonce : await getNonce(publicClient, registry, input.agent.address)
  const agentSig = await signPublish(input.agent, { chainId, registry, message: publishMessage(input.params, operator.address, agentNonce) })
  return { params: { ...input.params, agentSig }, operatorSig, attestorSigs: input.attestorSigs }
}

/**
 * Sends `publish(params, operatorSig, attestorSigs)` from the operator's wallet and waits for success;
 * `action` names the step in error messages (`renew` when the publish is a renewal).
 * @example const receipt = await submitPublish(wallet, client, registry, signed)
 */
export function submitPublish(
  walletClient: RegistryWalletClient,
  publicClient: RegistryPublicClient,
  registry: Address,
  signed: SignedPublish,
  action = 'publish',
): Promise<TransactionReceipt> {
  return sendRegistryTransaction(walletClient, publicClient, registry, { functionName: 'publish', args: [signed.params, signed.operatorSig, signed.attestorSigs] }, action)
}
