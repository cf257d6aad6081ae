import { describe, expect, it } from 'vitest'
import { RecordIndex } from '../../../src/activity/record-index.ts'

describe('RecordIndex', () => {
  it('indexes 200,000 ids across chunks and rehashes, finds each with its leaf hash, refuses duplicates', () => {
    const index = new RecordIndex()
    const hash = (i: number) => Uint8Array.from({ length: 32 }, (_, j) => (i * 31 + j) & 0xff)
    for (let i = 0; i < 200_000; i++) expect(index.add(`dac-${i}`, hash(i))).toBe(i)
    expect(index.size).toBe(200_000)
    for (const i of [0, 1, 65_535, 65_536, 131_072, 199_999]) {
      expect(index.find(`dac-${i}`)).toBe(i)
      expect(index.id(i)).toBe(`dac-${i}`)
      expect([...index.leafHash(i)]).toEqual([...hash(i)])
    }
    expect(index.add('dac-70000', hash(1))).toBe(-1)
    expect(index.find('dac-200000')).toBe(-1)
    expect(index.add('dác-ü', hash(2))).toBe(200_000)
    expect(index.find('dác-ü')).toBe(200_000)
    index.setFlags(5, 1)
    index.setFlags(5, 2)
    expect([index.flags(5), index.flags(6)]).toEqual([3, 0])
  })
})

describe('RecordIndex hex ids', () => {
  it('stores 0x-hex ids compactly and gives them back unchanged, distinct from the same text in other cases', () => {
    const index = new RecordIndex()
    const h = new Uint8Array(32)
    expect(index.add('0x004e141d311d4f48', h)).toBe(0)
    expect(index.add('0X004E141D311D4F48', h)).toBe(1)
    expect(index.add('0x004e141d311d4f48', h)).toBe(-1)
    expect(index.id(0)).toBe('0x004e141d311d4f48')
    expect(index.id(1)).toBe('0X004E141D311D4F48')
    expect(index.find('0x004e141d311d4f48')).toBe(0)
  })
})
