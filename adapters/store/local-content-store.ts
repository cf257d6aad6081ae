import { join, resolve } from 'node:path'
import { certificateCid, parseCertificateUri } from '../../src/certificate/hash.ts'
import { bytesEqual } from '../../src/crypto/bytes.ts'
import { BridgeError } from '../../src/errors.ts'
import { LIMITS } from '../../src/limits.ts'
import type { ContentStore } from '../../src/ports.ts'
import { readFileBounded } from '../files/read-file.ts'
import { writeFileAtomic } from './atomic-file.ts'

/**
 * The embedded content store: a local folder of files named by their CIDv1 (raw codec, sha2-256),
 * written atomically. `get` returns the bytes as stored; callers re-hash them. A stored entry that is not a regular file
 * (a link to /dev/zero, a FIFO) or is larger than LIMITS.storedDocument is refused (STORE_READ_FAILED), never read.
 * @example const store = localContentStore('./store'); const { uri } = await store.put(bytes)
 */
export function localContentStore(folder: string): ContentStore {
  const root = resolve(folder)
  return {
    description: `local folder ${folder}`,
    async put(bytes) {
      const cid = certificateCid(bytes)
      const file = join(root, cid)
      const existing = await readIfPresent(file)
      if (!existing || !bytesEqual(existing, bytes)) {
        try {
          await writeFileAtomic(file, bytes)
        } catch (cause) {
          throw new BridgeError('STORE_WRITE_FAILED', `cannot write ${file}`, { kind: 'io', file, cause, details: (cause as Error).message })
        }
      }
      return { uri: `ipfs://${cid}`, cid }
    },
    async get(uri) {
      return readIfPresent(join(root, parseCertificateUri(uri).cid))
    },
  }
}

async function readIfPresent(file: string): Promise<Uint8Array | undefined> {
  try {
    return await readFileBounded(file, LIMITS.storedDocument)
  } catch (cause) {
    if ((cause as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') return undefined
    const error = cause as BridgeError
    throw new BridgeError('STORE_READ_FAILED', `cannot read the stored document: ${error.shortMessage}`, { kind: 'io', file, cause })
  }
}
