import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BridgeError } from '../../src/errors.ts'
import { ERROR_CODES, isBridgeError } from '../../src/error-codes.ts'
import { projectDir } from '../support/cli.ts'

/** Every TypeScript source of src/ and adapters/ (the tests are not sources). */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : []
  })
}

/** The codes the sources give a BridgeError: `new BridgeError('CODE', …)`, and the `code` of a strict-JSON origin (`{ what, code }`). */
function thrownCodes(): Map<string, string> {
  const found = new Map<string, string>()
  for (const file of [...sources(join(projectDir, 'src')), ...sources(join(projectDir, 'adapters'))]) {
    const text = readFileSync(file, 'utf8')
    const at = relative(projectDir, file)
    for (const match of text.matchAll(/new BridgeError\(\s*'([A-Z0-9_]+)'/g)) found.set(match[1]!, at)
    for (const line of text.split('\n').filter((l) => /\bwhat:/.test(l))) for (const match of line.matchAll(/\bcode: '([A-Z0-9_]+)'/g)) found.set(match[1]!, at)
  }
  return found
}

describe('ERROR_CODES: the stable codes a consumer switches on', () => {
  it('lists every code the sources throw', () => {
    const listed = new Set<string>(ERROR_CODES)
    const unlisted = [...thrownCodes()].filter(([code]) => !listed.has(code)).map(([code, file]) => `${code} (${file})`)
    expect(unlisted).toEqual([])
  })

  it('lists no code the sources no longer use (removing one is a breaking change: remove it here too)', () => {
    const text = [...sources(join(projectDir, 'src')), ...sources(join(projectDir, 'adapters'))]
      .filter((file) => !file.endsWith('error-codes.ts'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n')
    expect(ERROR_CODES.filter((code) => !text.includes(`'${code}'`))).toEqual([])
  })

  it('has each code once, in alphabetical order', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length)
    expect([...ERROR_CODES]).toEqual([...ERROR_CODES].sort())
  })

  it('isBridgeError narrows to the codes asked for', () => {
    const error = new BridgeError('JSON_DUPLICATE_KEY', 'duplicate key "revoked"', { path: '$.revoked' })
    expect(isBridgeError(error)).toBe(true)
    expect(isBridgeError(error, 'INPUT_NOT_JSON', 'JSON_DUPLICATE_KEY')).toBe(true)
    expect(isBridgeError(error, 'INPUT_NOT_JSON')).toBe(false)
    expect(isBridgeError(new Error('JSON_DUPLICATE_KEY'), 'JSON_DUPLICATE_KEY')).toBe(false)
    expect(isBridgeError({ code: 'JSON_DUPLICATE_KEY' })).toBe(false)
  })
})
