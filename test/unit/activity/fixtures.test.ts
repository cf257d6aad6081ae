import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { generate } from '../../../fixtures/scripts/evidence.ts'

const committed = fileURLToPath(new URL('../../../fixtures/evidence/', import.meta.url))

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort()
}

describe('fixtures/evidence', () => {
  it('are exactly what fixtures/scripts/evidence.ts generates from its fixed seeds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'evidence-fixtures-'))
    try {
      generate(dir)
      expect(files(dir)).toEqual(files(committed))
      for (const f of files(dir)) expect(readFileSync(join(dir, f)).equals(readFileSync(join(committed, f))), f).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
