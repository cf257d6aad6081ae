const CHUNK = 1 << 16

type Chunk = { hashes: Uint8Array; idStart: Uint32Array; idLength: Uint16Array; flags: Uint8Array; idBytes: Uint8Array; idUsed: number }

/**
 * A compact index of the records of a trail: id → record number, with each record's 32-byte leaf hash and flags, in
 * fixed-size chunks of typed arrays (about 80 bytes a record, no doubling copies), so a streamed trail of millions of
 * records keeps flat, small memory. Ids are compared exactly (UTF-8 bytes), never by a digest alone.
 * @example const index = new RecordIndex(); index.add('dac-1', leafHash) // 0; index.add('dac-1', leafHash) // -1 (duplicate)
 */
export class RecordIndex {
  private readonly chunks: Chunk[] = []
  private table = new Int32Array(1 << 12).fill(-1)
  private count = 0

  /** The number of records indexed. */
  get size(): number {
    return this.count
  }

  /** Adds a record; returns its number, or -1 when the id is already indexed. */
  add(id: string, leafHash: Uint8Array): number {
    const bytes = encodeId(id)
    const slot = this.slotOf(bytes)
    if (this.table[slot] !== -1) return -1
    const n = this.count++
    if ((n & (CHUNK - 1)) === 0) this.chunks.push(newChunk())
    const chunk = this.chunks[n >>> 16]!
    const i = n & (CHUNK - 1)
    if (chunk.idUsed + bytes.length > chunk.idBytes.length) {
      const grown = new Uint8Array(Math.max(Math.ceil(chunk.idBytes.length * 1.25), chunk.idUsed + bytes.length))
      grown.set(chunk.idBytes.subarray(0, chunk.idUsed))
      chunk.idBytes = grown
    }
    chunk.idBytes.set(bytes, chunk.idUsed)
    chunk.idStart[i] = chunk.idUsed
    chunk.idLength[i] = bytes.length
    chunk.idUsed += bytes.length
    chunk.hashes.set(leafHash.subarray(0, 32), i * 32)
    this.table[slot] = n
    if (this.count * 2 > this.table.length) this.rehash()
    return n
  }

  /** The number of the record with this id, or -1. */
  find(id: string): number {
    return this.table[this.slotOf(encodeId(id))]!
  }

  /** The leaf hash of record n (a view into the index). */
  leafHash(n: number): Uint8Array {
    const i = n & (CHUNK - 1)
    return this.chunks[n >>> 16]!.hashes.subarray(i * 32, i * 32 + 32)
  }

  /** The id of record n. */
  id(n: number): string {
    const bytes = this.idOf(n)
    if (bytes[0] === HEX_MARK) return `0x${Buffer.from(bytes.subarray(1)).toString('hex')}`
    return Buffer.from(bytes).toString('utf8')
  }

  /** Sets flag bits on record n. */
  setFlags(n: number, bits: number): void {
    this.chunks[n >>> 16]!.flags[n & (CHUNK - 1)]! |= bits
  }

  /** The flag bits of record n. */
  flags(n: number): number {
    return this.chunks[n >>> 16]!.flags[n & (CHUNK - 1)]!
  }

  private idOf(n: number): Uint8Array {
    const chunk = this.chunks[n >>> 16]!
    const i = n & (CHUNK - 1)
    return chunk.idBytes.subarray(chunk.idStart[i]!, chunk.idStart[i]! + chunk.idLength[i]!)
  }

  private slotOf(bytes: Uint8Array): number {
    const mask = this.table.length - 1
    let slot = fnv1a(bytes) & mask
    for (;;) {
      const n = this.table[slot]!
      if (n === -1 || sameBytes(this.idOf(n), bytes)) return slot
      slot = (slot + 1) & mask
    }
  }

  private rehash(): void {
    this.table = new Int32Array(this.table.length * 2).fill(-1)
    const mask = this.table.length - 1
    for (let n = 0; n < this.count; n++) {
      let slot = fnv1a(this.idOf(n)) & mask
      while (this.table[slot] !== -1) slot = (slot + 1) & mask
      this.table[slot] = n
    }
  }
}

/** Marks an id stored as the raw bytes of its `0x…` lower-case hex (DDC record ids): 0xff never occurs in UTF-8. */
const HEX_MARK = 0xff

function encodeId(id: string): Uint8Array {
  if (id.length > 2 && id.length % 2 === 0 && /^0x[0-9a-f]+$/.test(id)) {
    const out = Buffer.alloc(1 + (id.length - 2) / 2)
    out[0] = HEX_MARK
    out.write(id.slice(2), 1, 'hex')
    return out
  }
  return Buffer.from(id, 'utf8')
}

function newChunk(): Chunk {
  return { hashes: new Uint8Array(CHUNK * 32), idStart: new Uint32Array(CHUNK), idLength: new Uint16Array(CHUNK), flags: new Uint8Array(CHUNK), idBytes: new Uint8Array(CHUNK * 16), idUsed: 0 }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}
