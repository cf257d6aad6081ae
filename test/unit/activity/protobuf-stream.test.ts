import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { protobufFields } from '../../../adapters/files/protobuf-stream.ts'
import { BridgeError } from '../../../src/errors.ts'

const dir = mkdtempSync(join(tmpdir(), 'ccp-pb-stream-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** field 1, wire type 2, with a varint length, then the value. */
function lenField(value: Uint8Array): Uint8Array {
  const length: number[] = []
  for (let n = value.length; ; n = Math.floor(n / 128)) {
    if (n < 0x80) {
      length.push(n)
      break
    }
    length.push((n & 0x7f) | 0x80)
  }
  return Buffer.concat([Uint8Array.from([0x0a, ...length]), value])
}

async function collect(file: string) {
  const out = []
  for await (const f of protobufFields(file)) out.push(f)
  return out
}

describe('protobufFields (streamed top-level fields of a file)', () => {
  it('yields fields larger than one read, and the small ones around them, with their file offsets', async () => {
    const big = new Uint8Array(3 * 1024 * 1024 + 12345).map((_, i) => (i * 7) & 0xff)
    const small = Uint8Array.from([1, 2, 3])
    const parts = [lenField(small), lenField(big), lenField(small)]
    const file = join(dir, 'big.pb')
    writeFileSync(file, Buffer.concat(parts))
    const fields = await collect(file)
    expect(fields.map((f) => [f.no, f.wireType, f.offset, f.value.length])).toEqual([
      [1, 2, 0, 3],
      [1, 2, parts[0]!.length, big.length],
      [1, 2, parts[0]!.length + parts[1]!.length, 3],
    ])
    expect(Buffer.compare(fields[1]!.value, big)).toBe(0)
    expect(fields[1]!.valueOffset).toBe(parts[0]!.length + 5)
    expect([...fields[2]!.value]).toEqual([1, 2, 3])
  })

  it('names the byte offset of a field cut short', async () => {
    const whole = Buffer.concat([lenField(Uint8Array.from([9])), lenField(new Uint8Array(2 * 1024 * 1024))])
    const file = join(dir, 'cut.pb')
    writeFileSync(file, whole.subarray(0, whole.length - 1))
    const error = await collect(file).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BridgeError)
    expect(error).toMatchObject({ code: 'PROTOBUF_MALFORMED', offset: 3, file })
    expect((error as BridgeError).shortMessage).toBe(`field 1 declares ${2 * 1024 * 1024} bytes but the file ends after ${2 * 1024 * 1024 - 1} (truncated)`)
    const huge = join(dir, 'huge-length.pb')
    writeFileSync(huge, Uint8Array.from([0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 1, 2, 3])) // declares 2^40 bytes
    await expect(collect(huge)).rejects.toMatchObject({ code: 'PROTOBUF_MALFORMED', offset: 0, shortMessage: 'field 1 declares 1099511627776 bytes but the file ends after 3 (truncated)' })
  })
})
