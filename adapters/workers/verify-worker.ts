// Worker thread: decodes raw trail items and verifies every signature in them, returning compact TrailEntries.
import { parentPort } from 'node:worker_threads'
import type { RawItem } from '../../src/activity/raw-item.ts'
import { errorFields } from './error-fields.ts'
import { verifyItems } from './verify-items.ts'

parentPort!.on('message', (message: { id: number; items: RawItem[] }) => {
  verifyItems(message.items).then(
    (entries) => {
      // leaf hashes travel packed in one transferred buffer: a million tiny cloned ArrayBuffers would bloat the RSS
      const hashes = new Uint8Array(entries.length * 32)
      const plain = entries.map((entry, i) => {
        hashes.set(entry.leafHash, i * 32)
        return { ...entry, leafHash: undefined }
      })
      parentPort!.postMessage({ id: message.id, entries: plain, hashes }, [hashes.buffer])
    },
    (error: unknown) => parentPort!.postMessage({ id: message.id, error: errorFields(error) }),
  )
})
parentPort!.postMessage({ ready: true })
