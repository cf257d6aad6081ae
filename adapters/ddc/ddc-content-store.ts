import { BridgeError } from '../../src/errors.ts'
// The SDK's index.d.ts re-exports with extensionless paths that NodeNext resolution cannot follow, so the classes'
// declarations are imported from their own files (the same .d.ts the package ships).
import type { DdcClient as DdcClientClass } from '../../node_modules/@cere-ddc-sdk/ddc-client/dist/types/DdcClient.js'
import type { FileUri as FileUriClass } from '../../node_modules/@cere-ddc-sdk/ddc-client/dist/types/DdcUri.js'
import type { ContentStore } from '../../src/ports.ts'
import { certificateCid, parseCertificateUri } from '../../src/certificate/hash.ts'

export type DdcStoreConfig = {
  /** the DDC bucket the documents go to */
  bucketId: string | bigint
  /** a substrate URI or 0x-hex seed of the account that owns the bucket (never printed) */
  signer: string
  /** the Cere network preset (DDC SDK DEVNET / TESTNET / MAINNET) */
  network?: 'devnet' | 'testnet' | 'mainnet'
}

/**
 * The content store over Cere DDC (`@cere-ddc-sdk/ddc-client`, loaded only when DDC is configured). A document is
 * stored as a DDC file whose CNS name is its `ipfs://` CID (raw, sha2-256), so it is found by the same URI whatever
 * store holds it; `get` reads it back by that name and returns the bytes as DDC served them (callers re-hash them).
 * @example const store = await ddcContentStore({ bucketId: 12n, signer: '//Alice', network: 'devnet' })
 */
export async function ddcContentStore(config: DdcStoreConfig): Promise<ContentStore> {
  let sdk: DdcSdk
  try {
    sdk = (await import('@cere-ddc-sdk/ddc-client')) as unknown as DdcSdk
  } catch (cause) {
    throw new BridgeError('DDC_SDK_MISSING', 'cannot load @cere-ddc-sdk/ddc-client', { kind: 'io', cause, details: (cause as Error).message })
  }
  const preset = config.network === 'mainnet' ? sdk.MAINNET : config.network === 'devnet' ? sdk.DEVNET : sdk.TESTNET
  const bucketId = BigInt(config.bucketId)
  let client: DdcClientClass
  try {
    client = await sdk.DdcClient.create(config.signer, preset)
  } catch (cause) {
    throw new BridgeError('DDC_UNREACHABLE', `cannot connect to DDC (${config.network ?? 'testnet'})`, { kind: 'io', cause, details: (cause as Error).message })
  }
  return {
    description: `DDC bucket ${bucketId} (${config.network ?? 'testnet'})`,
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
