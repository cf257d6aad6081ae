import { BridgeError } from '../../src/errors.ts'

/** A storage query of the api decorated from the node's metadata: callable, with the entry's metadata attached. */
export type StorageQuery = ((...keys: unknown[]) => Promise<any>) & { creator: { meta: { type: any } } }

/** The `query` object of an ApiPromise or of `api.at(hash)`: decorated from metadata, so untyped here. */
export type QueryRoot = Record<string, Record<string, StorageQuery | undefined> | undefined>

/**
 * Looks up a storage item by its section and name in the decorated api (no hard-coded key or layout).
 * Returns undefined when the node's metadata has no such item.
 * @example const events = storageQuery(at.query, 'system', 'events')
 */
export function storageQuery(query: unknown, section: string, item: string): StorageQuery | undefined {
  return (query as QueryRoot)[section]?.[item]
}

/**
 * Like storageQuery, but the item must exist: a node whose metadata lacks it cannot be reconciled (exit 2).
 * @example const events = requireStorageQuery(at.query, 'system', 'events')
 */
export function requireStorageQuery(query: unknown, section: string, item: string): StorageQuery {
  const found = storageQuery(query, section, item)
  if (!found) throw new BridgeError('CERE_NO_STORAGE', `the node's metadata has no storage ${section}.${item}`, { kind: 'io' })
  return found
}
