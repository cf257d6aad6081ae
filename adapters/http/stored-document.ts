import { certificateUri, parseCertificateUri } from '../../src/certificate/hash.ts'
import { BridgeError, errorMessage } from '../../src/errors.ts'
import type { ContentStore } from '../../src/ports.ts'
import { HttpProblem } from './problem.ts'

/**
 * The exact stored bytes of a document URI, re-hashed against it: 404 DOCUMENT_NOT_FOUND when the store does not hold
 * them, 502 DOCUMENT_ALTERED when they hash to another CID, 503 when the store cannot be read.
 * @example const { bytes, cid } = await storedDocument(store, record.ipfsUri)
 */
export async function storedDocument(store: ContentStore, uri: string): Promise<{ bytes: Uint8Array; cid: string }> {
  let cid: string
  try {
    cid = parseCertificateUri(uri).cid
  } catch (error) {
    throw new HttpProblem(502, 'DOCUMENT_URI_INVALID', `the registry points to ${uri}, which is not a document URI this bridge reads`, { details: errorMessage(error) })
  }
  let bytes: Uint8Array | undefined
  try {
    bytes = await store.get(uri)
  } catch (error) {
    throw new HttpProblem(503, 'STORE_UNAVAILABLE', `cannot read ${uri} from the store`, { details: error instanceof BridgeError ? error.shortMessage : errorMessage(error) })
  }
  if (!bytes) throw new HttpProblem(404, 'DOCUMENT_NOT_FOUND', `the store does not hold ${uri}`)
  if (certificateUri(bytes) !== uri) throw new HttpProblem(502, 'DOCUMENT_ALTERED', `the bytes stored as ${uri} hash to another CID: the stored document was altered`)
  return { bytes, cid }
}
