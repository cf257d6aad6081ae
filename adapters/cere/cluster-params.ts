import type { ApiPromise } from '@polkadot/api'
import { BridgeError } from '../../src/errors.ts'
import type { ClusterParams } from '../../src/schema/settlement.ts'
import { requireStorageQuery } from './storage-query.ts'
import { readValidatorSet } from './validator-set.ts'

const PRICE_DIMENSIONS = ['mb_stored', 'mb_streamed', 'put_request', 'get_request'] as const

/**
 * The cluster's protocol parameters at a block, from storage `DdcClusters.ClustersGovParams(cluster_id)`, with the
 * field names of the node's metadata (`unit_per_*` on spec 73047, `cost_per_*` on newer runtimes, both read as `unit_per_*`),
 * plus the validator set (`DdcVerification.ValidatorSet`) at the same block when the runtime has it.
 * @example const params = await readClusterParams(api, '0x…', blockHash)
 */
export async function readClusterParams(api: ApiPromise, clusterId: string, blockHash: string): Promise<ClusterParams & { validatorSetOnChain: boolean }> {
  const at = await api.at(blockHash)
  const query = requireStorageQuery(at.query, 'ddcClusters', 'clustersGovParams')
  const value = await query(clusterId)
  if (value.isNone) throw new BridgeError('CERE_NO_CLUSTER_PARAMS', `cluster ${clusterId} has no protocol parameters at block ${blockHash}`, { kind: 'io', details: 'is the cluster id right?' })
  const struct = value.unwrap()
  const entryType = query.creator.meta.type
  const typeId = entryType.isMap ? entryType.asMap.value : entryType.asPlain
  const fields = api.registry.lookup.getSiType(typeId).def.asComposite.fields as Array<{ name: { unwrap(): { toString(): string } } }>
  const values = [...(struct as Map<string, { toString(): string }>).values()]
  const byName = new Map<string, bigint>()
  fields.forEach((field, i) => byName.set(field.name.unwrap().toString(), BigInt(values[i]!.toString())))
  const take = (...names: string[]): bigint => {
    for (const name of names) {
      const found = byName.get(name)
      if (found !== undefined) return found
    }
    throw new BridgeError('CERE_PARAMS_LAYOUT', `DdcClusters.ClustersGovParams has no field ${names.join(' or ')}`, {
      kind: 'io',
      details: `fields in this runtime's metadata: ${[...byName.keys()].join(', ')}`,
    })
  }
  const prices = Object.fromEntries(PRICE_DIMENSIONS.map((d) => [`unit_per_${d}`, take(`unit_per_${d}`, `cost_per_${d}`)])) as Record<`unit_per_${(typeof PRICE_DIMENSIONS)[number]}`, bigint>
  const validators = await readValidatorSet(api, blockHash)
  return {
    treasury_share: take('treasury_share'),
    validators_share: take('validators_share'),
    cluster_reserve_share: take('cluster_reserve_share'),
    ...prices,
    validators: validators ?? [],
    validatorSetOnChain: validators !== undefined,
  }
}
