import type { ApiPromise } from '@polkadot/api'
import { toCereAddress } from '../../src/crypto/ss58.ts'
import { storageQuery } from './storage-query.ts'

/**
 * The DDC validator set at a block, from storage `DdcVerification.ValidatorSet`, as Cere SS58 addresses.
 * Undefined when the runtime has no such storage (then the `ValidatorsSetUpdated` events tell the set).
 * @example const validators = await readValidatorSet(api, blockHash)
 */
export async function readValidatorSet(api: ApiPromise, blockHash: string): Promise<string[] | undefined> {
  const at = await api.at(blockHash)
  const query = storageQuery(at.query, 'ddcVerification', 'validatorSet')
  if (!query) return undefined
  const list = (await query()) as Array<{ toU8a(isBare?: boolean): Uint8Array }>
  return [...list].map((account) => toCereAddress(account.toU8a(true)))
}
