import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { blake2AsU8a, xxhashAsU8a } from '@polkadot/util-crypto'
import { u8aConcat, u8aToHex, compactToU8a } from '@polkadot/util'
import { WebSocketServer, type WebSocket } from 'ws'

import { Metadata, TypeRegistry } from '@polkadot/types'
type Registry = InstanceType<typeof TypeRegistry>

/** One event in a scenario block: pallet and event name as the metadata names them, data keyed by field name. */
export type ScenarioEvent = { section: string; method: string; data: Record<string, unknown>; extrinsic?: number }
/** A storage value that holds from `fromBlock` on (until a later entry for the same key). */
export type ScenarioStorage = { pallet: string; item: string; keys: unknown[]; value: unknown; fromBlock: number }
/**
 * The chain the server serves: block n has `blocks[n].events` (block 0 is genesis), storage values by block,
 * the finalized head at start, and, when `advanceMs` is set, a finalized head that moves one block per tick once subscribed.
 */
export type CereChainScenario = {
  blocks: Array<{ events: ScenarioEvent[] }>
  storage?: ScenarioStorage[]
  finalized?: number
  advanceMs?: number
}

export type CereRpcServer = {
  url: string
  /** every method called, in order */
  calls: string[]
  /** methods the server did not know (answered with a JSON-RPC error) */
  unknown: string[]
  /** how many WebSocket connections are open now */
  openConnections(): number
  /** the finalized head now */
  finalized(): number
  /** moves the finalized head to block `n` (at most the last block) and tells every finalized-heads subscriber */
  setFinalized(n: number): void
  /** answers the next `count` calls of `method` with a JSON-RPC error (an RPC failure of the node) */
  failNext(method: string, count: number): void
  /** closes every open connection from the server side (the node went away; it keeps listening) */
  dropConnections(): void
  close(): Promise<void>
}

/** The spec version served when the metadata file does not say (the Cere devnet metadata of ../shared: 73047). */
const DEFAULT_SPEC_VERSION = 73047

/**
 * A loopback WebSocket JSON-RPC server that answers what @polkadot/api asks of a Substrate node, serving a metadata
 * (the project's own from fixtures/chain/, or the real Cere devnet metadata of ../shared) and a scenario's blocks,
 * with `System.Events` and storage encoded through that metadata.
 * @example const server = await startCereRpcServer(scenario, chainMetadataFile('payout-receipt'))
 */
export async function startCereRpcServer(scenario: CereChainScenario, metadataFile: string): Promise<CereRpcServer> {
  const metadataDocument = JSON.parse(readFileSync(metadataFile, 'utf8')) as { metadata: string; specVersion?: number }
  const metadataHex = metadataDocument.metadata
  const specVersion = metadataDocument.specVersion ?? DEFAULT_SPEC_VERSION
  // the Metadata runtime API (id blake2_64("Metadata"), version 2), as a real node lists it, answered by state_call below
  const runtimeVersion = () => ({ specName: 'node', implName: 'substrate-node', authoringVersion: 10, specVersion, implVersion: 0, apis: [[METADATA_API_ID, 2]], transactionVersion: 24, stateVersion: 0 })
  const registry = new TypeRegistry()
  const metadata = new Metadata(registry, metadataHex as `0x${string}`)
  registry.setMetadata(metadata)
  const chain = buildChain(registry, scenario)
  let finalized = Math.min(scenario.finalized ?? chain.headers.length - 1, chain.headers.length - 1)
  const calls: string[] = []
  const unknown: string[] = []
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  const sockets = new Set<WebSocket>()
  let nextSubscription = 1
  /** finalized-heads subscribers: each is told about every newly finalized head */
  const headListeners = new Set<(head: number) => void>()
  const failures = new Map<string, number>()
  const advanceTo = (n: number) => {
    const target = Math.min(n, chain.headers.length - 1)
    if (target <= finalized) return
    finalized = target
    for (const listener of headListeners) listener(finalized)
  }

  wss.on('connection', (socket) => {
    sockets.add(socket)
    const timers = new Map<string, NodeJS.Timeout>()
    const send = (message: unknown) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(message))
    const notify = (method: string, subscription: string, result: unknown) => send({ jsonrpc: '2.0', method, params: { subscription, result } })
    const listeners = new Map<string, (head: number) => void>()
    socket.on('close', () => {
      sockets.delete(socket)
      for (const timer of timers.values()) clearInterval(timer)
      for (const listener of listeners.values()) headListeners.delete(listener)
    })
    socket.on('message', (raw) => {
      const request = JSON.parse(String(raw)) as { id: number; method: string; params?: unknown[] }
      const params = request.params ?? []
      calls.push(request.method)
      const reply = (result: unknown) => send({ jsonrpc: '2.0', id: request.id, result })
      const failing = failures.get(request.method) ?? 0
      if (failing > 0) {
        failures.set(request.method, failing - 1)
        return send({ jsonrpc: '2.0', id: request.id, error: { code: -32000, message: `injected failure of ${request.method}` } })
      }
      const hashAt = (at: unknown) => (typeof at === 'string' ? at : chain.hashes[finalized]!)
      switch (request.method) {
        case 'rpc_methods':
          return reply({ version: 1, methods: KNOWN_METHODS })
        case 'system_chain':
          return reply('Cere Devnet (loopback)')
        case 'system_name':
          return reply('cere-loopback')
        case 'system_version':
          return reply('4.8.7')
        case 'system_properties':
          return reply({ ss58Format: 54, tokenDecimals: 10, tokenSymbol: 'CERE' })
        case 'system_health':
          return reply({ peers: 0, isSyncing: false, shouldHavePeers: false })
        case 'state_getRuntimeVersion':
          return reply(runtimeVersion())
        case 'state_getMetadata':
          return reply(metadataHex)
        case 'state_call': {
          // Metadata_metadata_versions → Vec<u32> [14]; Metadata_metadata_at_version(14) → Option<OpaqueMetadata>
          if (params[0] === 'Metadata_metadata_versions') return reply(u8aToHex(u8aConcat(compactToU8a(1), registry.createType('u32', 14).toU8a())))
          if (params[0] === 'Metadata_metadata_at_version' && params[1] === '0x0e000000') {
            const bytes = registry.createType('Bytes', metadataHex).toU8a() // length-prefixed, as OpaqueMetadata
            return reply(u8aToHex(u8aConcat(new Uint8Array([1]), bytes)))
          }
          unknown.push(`${request.method} ${String(params[0])}`)
          return send({ jsonrpc: '2.0', id: request.id, error: { code: -32601, message: `runtime API not served: ${String(params[0])}` } })
        }
        case 'chain_getBlockHash': {
          const number = params[0]
          if (number === undefined || number === null) return reply(chain.hashes[finalized])
          const n = typeof number === 'string' ? Number.parseInt(number, number.startsWith('0x') ? 16 : 10) : Number(number)
          return reply(chain.hashes[n] ?? null)
        }
        case 'chain_getFinalizedHead':
        case 'chain_getFinalisedHead':
          return reply(chain.hashes[finalized])
        case 'chain_getHeader': {
          const n = chain.numberOf(hashAt(params[0]))
          return reply(n === undefined ? null : chain.headerJson[n])
        }
        case 'chain_getBlock': {
          const n = chain.numberOf(hashAt(params[0]))
          return reply(n === undefined ? null : { block: { header: chain.headerJson[n], extrinsics: [] }, justifications: null })
        }
        case 'state_getStorage':
        case 'state_getStorageAt': {
          const n = chain.numberOf(hashAt(params[1]))
          return reply(n === undefined ? null : chain.storageAt(String(params[0]), n))
        }
        case 'state_queryStorageAt': {
          const at = hashAt(params[1])
          const n = chain.numberOf(at)
          const keys = (params[0] as string[]) ?? []
          return reply([{ block: at, changes: keys.map((key) => [key, n === undefined ? null : chain.storageAt(key, n)]) }])
        }
        case 'state_subscribeRuntimeVersion': {
          const id = `rv-${nextSubscription++}`
          reply(id)
          return notify('state_runtimeVersion', id, runtimeVersion())
        }
        case 'chain_subscribeFinalizedHeads':
        case 'chain_subscribeFinalisedHeads':
        case 'chain_subscribeNewHeads':
        case 'chain_subscribeAllHeads':
        case 'chain_subscribeNewHead': {
          const id = `heads-${nextSubscription++}`
          const method = request.method.includes('Finali') ? 'chain_finalizedHead' : request.method.includes('All') ? 'chain_allHead' : 'chain_newHead'
          reply(id)
          let sent = finalized
          notify(method, id, chain.headerJson[sent])
          const listener = (head: number) => {
            if (sent < head) notify(method, id, chain.headerJson[(sent = head)])
          }
          listeners.set(id, listener)
          headListeners.add(listener)
          if (scenario.advanceMs) timers.set(id, setInterval(() => advanceTo(finalized + 1), scenario.advanceMs))
          return
        }
        case 'state_unsubscribeRuntimeVersion':
        case 'chain_unsubscribeFinalizedHeads':
        case 'chain_unsubscribeFinalisedHeads':
        case 'chain_unsubscribeNewHeads':
        case 'chain_unsubscribeAllHeads':
        case 'chain_unsubscribeNewHead': {
          const timer = timers.get(String(params[0]))
          if (timer) clearInterval(timer)
          timers.delete(String(params[0]))
          const listener = listeners.get(String(params[0]))
          if (listener) headListeners.delete(listener)
          listeners.delete(String(params[0]))
          return reply(true)
        }
        default:
          unknown.push(request.method)
          return send({ jsonrpc: '2.0', id: request.id, error: { code: -32601, message: `Method not found: ${request.method}` } })
      }
    })
  })
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()))
  const port = (wss.address() as AddressInfo).port
  return {
    url: `ws://127.0.0.1:${port}`,
    calls,
    unknown,
    openConnections: () => sockets.size,
    finalized: () => finalized,
    setFinalized: advanceTo,
    failNext: (method, count) => void failures.set(method, count),
    dropConnections: () => {
      for (const socket of sockets) socket.terminate()
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.terminate()
        wss.close(() => resolve())
      }),
  }
}

/** blake2_64("Metadata"): the id of the Metadata runtime API in a runtime version's `apis`. */
const METADATA_API_ID = u8aToHex(blake2AsU8a('Metadata', 64))

const KNOWN_METHODS = [
  'state_call',
  'rpc_methods', 'system_chain', 'system_name', 'system_version', 'system_properties', 'system_health',
  'state_getRuntimeVersion', 'state_getMetadata', 'state_getStorage', 'state_queryStorageAt', 'state_subscribeRuntimeVersion',
  'state_unsubscribeRuntimeVersion', 'chain_getBlockHash', 'chain_getFinalizedHead', 'chain_getHeader', 'chain_getBlock',
  'chain_subscribeFinalizedHeads', 'chain_unsubscribeFinalizedHeads', 'chain_subscribeNewHeads', 'chain_unsubscribeNewHeads',
  'chain_subscribeAllHeads', 'chain_unsubscribeAllHeads',
]

/** Headers linked by their real hashes, the encoded `System.Events` of each block, and storage by block. */
function buildChain(registry: Registry, scenario: CereChainScenario) {
  const headers: Array<{ hash: string; json: unknown }> = []
  let parentHash = u8aToHex(new Uint8Array(32))
  scenario.blocks.forEach((_, n) => {
    const header = registry.createType('Header', {
      parentHash,
      number: n,
      stateRoot: blake2AsU8a(new TextEncoder().encode(`state-${n}`)),
      extrinsicsRoot: blake2AsU8a(new TextEncoder().encode(`extrinsics-${n}`)),
      digest: { logs: [] },
    })
    const hash = header.hash.toHex()
    headers.push({ hash, json: { parentHash, number: `0x${n.toString(16)}`, stateRoot: u8aToHex(blake2AsU8a(new TextEncoder().encode(`state-${n}`))), extrinsicsRoot: u8aToHex(blake2AsU8a(new TextEncoder().encode(`extrinsics-${n}`))), digest: { logs: [] } } })
    parentHash = hash
  })
  const byHash = new Map(headers.map((h, n) => [h.hash, n]))
  const eventsKey = u8aToHex(u8aConcat(xxhashAsU8a('System', 128), xxhashAsU8a('Events', 128)))
  const eventsByBlock = scenario.blocks.map((block) => encodeEventRecords(registry, block.events))
  const storage = new Map<string, Array<{ fromBlock: number; value: string }>>()
  for (const entry of scenario.storage ?? []) {
    const { key, value } = encodeStorage(registry, entry)
    const list = storage.get(key) ?? []
    list.push({ fromBlock: entry.fromBlock, value })
    list.sort((a, b) => a.fromBlock - b.fromBlock)
    storage.set(key, list)
  }
  return {
    headers,
    hashes: headers.map((h) => h.hash),
    headerJson: headers.map((h) => h.json),
    numberOf: (hash: string) => byHash.get(hash),
    storageAt(key: string, n: number): string | null {
      if (key === eventsKey) return eventsByBlock[n] ?? null
      const list = storage.get(key)
      if (!list) return null
      let found: string | null = null
      for (const item of list) if (item.fromBlock <= n) found = item.value
      return found
    },
  }
}

/** `Vec<EventRecord>` bytes: for each event, the pallet and variant index found by name in the metadata and its fields encoded by their metadata types. */
function encodeEventRecords(registry: Registry, events: ScenarioEvent[]): string {
  const records = events.map((event) => {
    const pallet = findPallet(registry, event.section)
    if (pallet.events.isNone) throw new Error(`pallet ${event.section} has no events`)
    const variants = registry.lookup.getSiType(pallet.events.unwrap().type).def.asVariant.variants
    const variant = variants.find((v) => v.name.toString() === event.method)
    if (!variant) throw new Error(`no event ${event.section}.${event.method} in the metadata`)
    const fields = variant.fields.map((field) => {
      const name = field.name.unwrap().toString()
      if (!(name in event.data)) throw new Error(`scenario event ${event.section}.${event.method} lacks field ${name}`)
      return registry.createType(registry.createLookupType(field.type), event.data[name]).toU8a()
    })
    const phase = u8aConcat(new Uint8Array([0]), registry.createType('u32', event.extrinsic ?? 0).toU8a())
    return u8aConcat(phase, new Uint8Array([pallet.index.toNumber(), variant.index.toNumber()]), ...fields, compactToU8a(0))
  })
  return u8aToHex(u8aConcat(compactToU8a(records.length), ...records))
}

function findPallet(registry: Registry, name: string) {
  const pallet = registry.metadata.pallets.find((p) => p.name.toString().toLowerCase() === name.toLowerCase())
  if (!pallet) throw new Error(`no pallet ${name} in the metadata`)
  return pallet
}

/** The storage key (prefix hashes, then each key through its hasher) and the value encoded by the metadata's type. */
function encodeStorage(registry: Registry, entry: ScenarioStorage): { key: string; value: string } {
  const pallet = findPallet(registry, entry.pallet)
  const item = pallet.storage.unwrap().items.find((i) => i.name.toString() === entry.item)
  if (!item) throw new Error(`no storage ${entry.pallet}.${entry.item} in the metadata`)
  const prefix = u8aConcat(xxhashAsU8a(pallet.storage.unwrap().prefix.toString(), 128), xxhashAsU8a(entry.item, 128))
  if (item.type.isPlain) {
    return { key: u8aToHex(prefix), value: registry.createType(registry.createLookupType(item.type.asPlain), entry.value).toHex() }
  }
  const map = item.type.asMap
  const hashers = map.hashers.map((h) => h.toString())
  const keyTypes = hashers.length === 1 ? [map.key] : registry.lookup.getSiType(map.key).def.asTuple.map((t) => t)
  const parts = entry.keys.map((key, i) => {
    const encoded = registry.createType(registry.createLookupType(keyTypes[i]!), key).toU8a()
    switch (hashers[i]) {
      case 'Twox64Concat':
        return u8aConcat(xxhashAsU8a(encoded, 64), encoded)
      case 'Blake2_128Concat':
        return u8aConcat(blake2AsU8a(encoded, 128), encoded)
      case 'Identity':
        return encoded
      case 'Blake2_256':
        return blake2AsU8a(encoded, 256)
      case 'Twox128':
        return xxhashAsU8a(encoded, 128)
      default:
        throw new Error(`hasher ${hashers[i]} not supported by the test server`)
    }
  })
  return { key: u8aToHex(u8aConcat(prefix, ...parts)), value: registry.createType(registry.createLookupType(map.value), entry.value).toHex() }
}

