/**
 * `cere-ccp-bridge/cere`: reading an era's payout events and cluster parameters from a Cere node over @polkadot/api,
 * for `reconcileEra` (the node's own metadata decides the decoding).
 * @example import { connectCere, readEraFromChain } from 'cere-ccp-bridge/cere'
 */
export { connectCere } from '../cere/connect.ts'
export { readEraFromChain, DEFAULT_SCAN_WINDOW, type EraFromChain, type ReadEraOptions } from '../cere/read-era.ts'
