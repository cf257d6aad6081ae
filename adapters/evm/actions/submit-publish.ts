import type { Address, Hex, TransactionReceipt } from 'viem'
import { getAddress } from 'viem'
import type { PublishParams, UnsignedPublishParams } from '../../../src/certificate/onchain.ts'
import type { TypedDataSigner } from '../../../src/ports.ts'
import { publishMessage } from '../../../src/certificate/onchain.ts'
import type { RegistryPublicClient, RegistryWalletClient } from '../clients.ts'
import { sendRegistryTransaction } from './send-registry-transaction.ts'
import { signPublish } from './sign-typed.ts'

export type SignedPublish = { params: PublishParams; operatorSig: Hex; attestorSigs: Hex[] }

/**
 * The agent signs `Publish` naming the wallet's account as operator: its co-signature is valid only for a publish sent by
 * that operator. An agent that is its own operator signs nothing (its transaction is its signature). No operator
 * signature is made: the sender is the operator.
 * @example const signed = await signPublishParams(wallet, client, registry, { params, agent, attestorSigs })
 */
export async function signPublishParams(
  walletClient: RegistryWalletClient,
  publicClient: RegistryPublicClient,
  registry: Address,
  input: { params: UnsignedPublishParams; agent: TypedDataSigner; attestorSigs: Hex[] },
): Promise<SignedPublish> {
  const operator = walletClient.account.address
  const agentSig = getAddress(input.agent.address) === getAddress(operator)
    ? '0x'
    : await signPublish(input.agent, { chainId: publicClient.chain.id, registry, message: publishMessage(input.params, operator) })
  return { params: { ...input.params, agentSig }, operatorSig: '0x', attestorSigs: input.attestorSigs }
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
