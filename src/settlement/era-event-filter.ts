import type { EraEventLine } from '../schema/settlement.ts'

/**
 * Whether a decoded event belongs to a cluster's era: DdcPayouts events of that cluster and era, its
 * `ClusterEraPaid`, DdcCustomers events of the cluster, and validator-set updates (they carry no cluster).
 * @example events.filter((e) => isEraEvent(e, '0x…', 412))
 */
export function isEraEvent(event: EraEventLine, clusterId: string, era: number): boolean {
  if (event.section === 'ddcVerification') return event.method === 'ValidatorsSetUpdated'
  const cluster = event.data['cluster_id']
  if (typeof cluster !== 'string' || cluster.toLowerCase() !== clusterId.toLowerCase()) return false
  if (event.section === 'ddcCustomers') return true
  const eventEra = event.data['era'] ?? event.data['era_id']
  if (event.section === 'ddcClusters') return event.method === 'ClusterEraPaid' && Number(eventEra) === era
  return event.section === 'ddcPayouts' && Number(eventEra) === era
}

/**
 * Whether the event is the `DdcClusters.ClusterEraPaid` that closes the cluster's era.
 * @example lines.some((e) => closesEra(e, cluster, era))
 */
export function closesEra(event: EraEventLine, clusterId: string, era: number): boolean {
  return event.section === 'ddcClusters' && event.method === 'ClusterEraPaid' && isEraEvent(event, clusterId, era)
}
