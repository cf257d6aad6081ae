import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { settlementFixtureFiles } from '../../../fixtures/scripts/settlement.ts'
import { settlementFixtures } from './fixture-files.ts'

describe('fixtures/settlement is what fixtures/scripts/settlement.ts generates', () => {
  it('every file, byte for byte, and no other file', () => {
    const generated = settlementFixtureFiles()
    const onDisk = readdirSync(settlementFixtures, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(settlementFixtures.length))
      .sort()
    expect(onDisk).toEqual([...generated.keys()].sort())
    for (const [path, text] of generated) expect(readFileSync(join(settlementFixtures, path), 'utf8'), path).toBe(text)
  })
})
