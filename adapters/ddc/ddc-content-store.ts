import { BridgeError } from '../../src/errors.ts'
// The SDK's index.d.ts re-exports with extensionless paths that NodeNext resolution cannot follow, so the classes'
// declarations are imported from their own files (the same .d.ts the package ships).
import type { DdcClient as DdcClientClass } from '../../node_modules/@cere-ddc-sdk/ddc-client/dist/types/DdcClient.js'
import type { FileUri as FileUriClass } from '../../node_modules/@cere-ddc-sdk/ddc-client/dist/types/DdcUri.js'
import type { ContentStore } from '../../src/ports.ts'
import { certificateCid, parseCertificateUri } from '../../src/certificate/hash.ts'

/** The DDC SDK version this store is written and tested against (package.json's optional peer dependency). */
export const DDC_SDK_VERSION = '2.16.1'

/** The Cere networks the DDC SDK has presets for. */
export const DDC_NETWORKS = ['devnet', 'testnet', 'mainnet'] as const
export type DdcNetwork = (typeof DDC_NETWORKS)[number]

export type DdcStoreConfig = {
  /** the DDC bucket the documents go to (a whole number) */
  bucketId: string | bigint
  /** a substrate URI or 0x-hex seed of the account that owns the bucket (never printed) */
  signer: string
  /** the Cere network preset (DDC SDK DEVNET / TESTNET / MAINNET); anything else is refused */
  network?: string
  /** how long to wait for the network before giving up (default 20 s) */
  connectTimeoutMs?: number
}

/**
 * Checks a DDC network name and a bucket id as the user gave them (naming the option), before anything connects.
 * @example ddcTarget({ bucketId: '12', network: 'devnet' }) // { bucketId: 12n, network: 'devnet' }
 */
export function ddcTarget(config: { bucketId: string | bigint; network?: string | undefined }): { bucketId: bigint; network: DdcNetwork } {
  const network = config.network ?? 'testnet'
  if (!(DDC_NETWORKS as readonly string[]).includes(network)) {
    throw new BridgeError('DDC_NETWORK_INVALID', `--ddc-network expects ${DDC_NETWORKS.join(', ')}, got ${JSON.stringify(network).slice(0, 80)}`)
  }
  const text = String(config.bucketId)
  if (!/^[0-9]{1,20}$/.test(text) || BigInt(text) > 2n ** 64n - 1n) {
    throw new BridgeError('BAD_ARGUMENTS', `--ddc-bucket expects a DDC bucket id (a whole number up to 2^64 − 1), got ${JSON.stringify(text).slice(0, 80)}`)
  }
  return { bucketId: BigInt(text), network: network as DdcNetwork }
}

/**
 * The content store over Cere DDC (`@cere-ddc-sdk/ddc-client`, loaded only when DDC is configured). A document is
 * stored as a DDC file whose CNS name is its `ipfs://` CID (raw, sha2-256), so it is found by the same URI whatever
 * store holds it; `get` reads it back by that name and returns the bytes as DDC served them (callers re-hash them).
 * @example const store = await ddcContentStore({ bucketId: 12n, signer: '//Alice', network: 'devnet' })
 */
export async function ddcContentStore(config: DdcStoreConfig): Promise<ContentStore> {
  const { bucketId, network } = ddcTarget(config)
  let sdk: DdcSdk
  try {
    sdk = (await import('@cere-ddc-sdk/ddc-client')) as unknown as DdcSdk
  } catch (cause) {
    const notInstalled = (cause as { code?: string }).code === 'ERR_MODULE_NOT_FOUND'
    throw new BridgeError('DDC_SDK_MISSING', notInstalled ? 'the DDC store needs the Cere DDC SDK, which is not installed' : 'cannot load @cere-ddc-sdk/ddc-client', {
      kind: 'io',
      cause,
      // an optional peer dependency (it is large, and brings its own @polkadot versions): installed only by who stores in DDC
      details: notInstalled ? `install it beside cere-ccp-bridge: npm install @cere-ddc-sdk/ddc-client@${DDC_SDK_VERSION}` : (cause as Error).message,
    })
  }
  const preset = network === 'mainnet' ? sdk.MAINNET : network === 'devnet' ? sdk.DEVNET : sdk.TESTNET
  const timeoutMs = config.connectTimeoutMs ?? 20_000
  let client: DdcClientClass
  try {
    client = new sdk.DdcClient(config.signer, { ...preset, logErrors: false } as never)
  } catch (cause) {
    throw new BridgeError('DDC_SIGNER_INVALID', 'the DDC signer is not a substrate URI or seed', { cause, details: (cause as Error).message })
  }
  // the SDK reconnects forever and rejects promises nobody awaits: connect with a deadline, then disconnect on failure
  const swallow = (reason: unknown) => void reason
  process.on('unhandledRejection', swallow)
  let timer: NodeJS.Timeout | undefined
  try {
    const connecting = client.connect()
    connecting.catch(swallow)
    await Promise.race([
      connecting,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from ${network} within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs)
      }),
    ])
  } catch (cause) {
    await client.disconnect().catch(swallow)
    throw new BridgeError('DDC_UNREACHABLE', `cannot connect to DDC (${network})`, { kind: 'io', cause, details: cause instanceof Error ? cause.message : 'the network did not answer' })
  } finally {
    clearTimeout(timer)
    process.removeListener('unhandledRejection', swallow)
  }
  return {
    description: `DDC bucket ${bucketId} (${network})`,
    async put(bytes) {
      const cid = certificateCid(bytes)
      try {
        await client.store(bucketId, new sdk.File(bytes, { size: bytes.length }), { name: cid })
      } catch (cause) {
        throw new BridgeError('DDC_STORE_FAILED', `cannot store ${cid} in DDC bucket ${bucketId}`, { kind: 'io', cause, details: (cause as Error).message })
      }
      return { uri: `ipfs://${cid}`, cid }
    },
    async get(uri) {
      const { cid } = parseCertificateUri(uri)
      try {
        const response = await client.read(new sdk.FileUri(bucketId, cid, { name: cid }))
        return new Uint8Array(await response.arrayBuffer())
      } catch (cause) {
        const message = (cause as Error).message ?? ''
        if (/not found|NOT_FOUND|cannot resolve/i.test(message)) return undefined
        throw new BridgeError('DDC_READ_FAILED', `cannot read ${cid} from DDC bucket ${bucketId}`, { kind: 'io', cause, details: message })
      }
    },
  }
}

/** The part of the SDK module this store uses, typed by the SDK's own declarations. */
type DdcSdk = typeof import('@cere-ddc-sdk/ddc-client') & {
  DdcClient: typeof DdcClientClass
  FileUri: typeof FileUriClass
}
