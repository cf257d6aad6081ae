import type { ClusterParams, ClusterParamsInput } from '../schema/settlement.ts'

/**
 * Cluster params in the `--params` file format: amounts, shares and scores as decimal strings, accounts as SS58.
 * @example await writeFile('params.json', JSON.stringify(clusterParamsJson(params), null, 2))
 */
export function clusterParamsJson(params: ClusterParams): ClusterParamsInput {
  return {
    treasury_share: params.treasury_share.toString(),
    validators_share: params.validators_share.toString(),
    cluster_reserve_share: params.cluster_reserve_share.toString(),
    unit_per_mb_stored: params.unit_per_mb_stored.toString(),
    unit_per_mb_streamed: params.unit_per_mb_streamed.toString(),
    unit_per_put_request: params.unit_per_put_request.toString(),
    unit_per_get_request: params.unit_per_get_request.toString(),
    validators: [...params.validators],
    ...(params.validator_scores ? { validator_scores: Object.fromEntries([...params.validator_scores].map(([account, score]) => [account, score.toString()])) } : {}),
  }
}
