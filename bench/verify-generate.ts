/**
 * Writes large DDC trails for the benchmark and the tests straight to a file (streamed, flat memory): a
 * ChallengeResponse with one proof per record (many messages), or one proof holding every record as its leaves (one
 * large message, as a node answers for a busy bucket). Every record is distinct (own id and time) and validly signed;
 * the upstream request and ack are signed once and shared, so generation costs one signature per record.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs'
import { buildChallengeResponse, buildDdcRecord, lengthPrefix, recordLeaf, type DdcSigner } from '../src/activity/build-ddc.ts'
import { ddcTypes } from '../src/activity/ddc-schema.ts'

/**
 * Generates `count` records into `file`. `chain: true` gives each record its request and ack (3 signatures per
 * record), `false` only the record's own signature (1 per record). `single: true` writes one ChallengeResponse whose
 * one proof holds every record (one message); otherwise one proof per record.
 * @example generateDdcTrail('/tmp/t.pb', 100_000, { client, node, chain: true })
 */
export function generateDdcTrail(file: string, count: number, options: { client: DdcSigner; node: DdcSigner; chain: boolean; single?: boolean }): { bytes: number; signatures: number } {
  const template = ddcTypes.ActivityRecord.decode(
    buildDdcRecord({ id: new Uint8Array(16), client: options.client, node: options.node, requestType: 'GET', bucketId: 1n, pieceCid: new Uint8Array(36).fill(1), size: 1024n, timestampMs: 1783000000000n, bytes: 1024n, requestId: 'bench-request' }),
  ) as any
  if (!options.chain) delete template.upstream
  const algorithm = options.node.algorithm === 'sr25519' ? 1 : 0
  // one message: the leaves go to a side file first (the proof's length prefix needs their total size)
  const target = options.single ? `${file}.leaves` : file
  const fd = openSync(target, 'w')
  let bytes = 0
  let pending: Uint8Array[] = []
  const flush = () => {
    const chunk = Buffer.concat(pending)
    writeSync(fd, chunk)
    bytes += chunk.length
    pending = []
  }
  try {
    for (let i = 0; i < count; i++) {
      const id = new Uint8Array(16)
      new DataView(id.buffer).setUint32(12, i)
      template.id = id
      template.timestamp = 1783000000000 + i
      template.signature = null
      const unsigned = ddcTypes.ActivityRecord.encode(template).finish()
      template.signature = { algorithm, signer: options.node.publicKey, value: options.node.sign(unsigned) }
      const record = ddcTypes.ActivityRecord.encode(template).finish()
      pending.push(options.single ? recordLeaf(record) : buildChallengeResponse([[record]]))
      if (pending.length >= 4096) flush()
    }
    flush()
  } finally {
    closeSync(fd)
  }
  if (!options.single) return { bytes, signatures: count * (options.chain ? 3 : 1) }
  const nodeId = Uint8Array.from([0x08, 0x01]) // Proof.merkleTreeNodeId = 1
  const header = Buffer.concat([lengthPrefix(1, nodeId.length + bytes), nodeId])
  const out = openSync(file, 'w')
  const leaves = openSync(target, 'r')
  try {
    writeSync(out, header)
    const buffer = Buffer.alloc(1 << 20)
    for (let n; (n = readSync(leaves, buffer, 0, buffer.length, null)) > 0; ) writeSync(out, buffer, 0, n)
  } finally {
    closeSync(out)
    closeSync(leaves)
    rmSync(target)
  }
  return { bytes: header.length + bytes, signatures: count * (options.chain ? 3 : 1) }
}
