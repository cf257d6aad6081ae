import { describe, expect, it } from 'vitest'
import { BridgeError } from '../../../src/errors.ts'
import { illFormedStringPath } from '../../../src/json/ill-formed-string.ts'
import { findJsonTextProblem } from '../../../src/json/json-text-problem.ts'
import { decodeUtf8, parseJson, parseJsonBytes } from '../../../src/json/parse-json.ts'
import { parseYaml } from '../../../src/json/parse-yaml.ts'

/** The BridgeError a call throws. */
function thrown(run: () => unknown): BridgeError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(BridgeError)
    return error as BridgeError
  }
  throw new Error('expected an error')
}

describe('strict JSON reader: duplicate keys', () => {
  it('refuses a key written twice, wherever it is, with its JSON path (JSON.parse would keep the last)', () => {
    const cases: Array<[string, string]> = [
      ['{"revoked":true,"revoked":false}', '$.revoked'],
      ['{"a":{"b":[1,{"c":1,"d":2,"c":3}]}}', '$.a.b[1].c'],
      ['[{"x":1},{"x":2,"y":[],"x":3}]', '$[1].x'],
      ['{"a":1,"\\u0061":2}', '$.a'], // the same key, escaped: duplicates compare decoded keys
      ['{"odd key":1,"odd key":2}', '$["odd key"]'],
      ['{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k5":0}', '$.k5'],
    ]
    for (const [text, path] of cases) {
      expect(() => JSON.parse(text)).not.toThrow()
      const error = thrown(() => parseJson(text, { file: 'in.json' }))
      expect(error.code, text).toBe('JSON_DUPLICATE_KEY')
      expect(error.path, text).toBe(path)
      expect(error.file).toBe('in.json')
      expect(error.message).toMatch(/duplicate key .*: a key may appear only once in an object \(I-JSON, RFC 7493/)
    }
  })

  it('accepts the same key in different objects, and strings that look like keys, braces or escapes', () => {
    const texts = [
      '{"a":[{"x":1},{"x":2}],"b":{"x":{"x":3}}}',
      '{"a":"\\"a\\":1,\\"a\\":2","b":"}{][,:","c":"\\\\","d":"\\\\\\"","e":"\\ud83d\\ude00"}',
      '["a","a",{"a":"a"}]',
      '{}',
      '"just a string"',
      '[1, 2.5e3, -0, true, false, null]',
    ]
    for (const text of texts) expect(parseJson(text), text).toEqual(JSON.parse(text))
  })

  it('names the line and column of the duplicate in a whole file, the line of a JSON Lines line, and nests a base path', () => {
    const file = thrown(() => parseJson('{\n  "a": 1,\n  "a": 2\n}\n', { file: 'cert.json' }))
    expect(file.line).toBe(3)
    expect(file.message).toBe('cert.json at $.a: duplicate key "a" (line 3, column 3): a key may appear only once in an object (I-JSON, RFC 7493, as RFC 8785 requires)')
    const line = thrown(() => parseJson('{"data":{"amount":"1","amount":"2"}}', { file: 'events.jsonl', line: 12 }))
    expect(line.toJSON()).toMatchObject({ code: 'JSON_DUPLICATE_KEY', file: 'events.jsonl', line: 12, path: '$.data.amount' })
    expect(line.shortMessage).toMatch(/^line 12: duplicate key "amount" \(column 23\)/)
    const nested = thrown(() => parseJson('{"revoked":true,"revoked":false}', { file: 'grant.json', path: '$.payload(decoded)' }))
    expect(nested.path).toBe('$.payload(decoded).revoked')
    expect(nested.line).toBeUndefined()
  })
})

describe('strict JSON reader: lone surrogates', () => {
  it('refuses a lone surrogate escape in a value or a key, naming its path; a proper pair is fine', () => {
    const cases: Array<[string, string, string]> = [
      ['{"identity":{"agent_name":"\\ud800x"}}', '$.identity.agent_name', '\\ud800'],
      ['["ok","\\udc00"]', '$[1]', '\\udc00'],
      ['{"\\ud800":1}', '$["\\ud800"]', '\\ud800'],
      ['{"a":"\\ude00\\ud83d"}', '$.a', '\\ude00'], // reversed pair
      ['"\\udbff"', '$', '\\udbff'],
    ]
    for (const [text, path, unit] of cases) {
      const error = thrown(() => parseJson(text, { file: 'c.json' }))
      expect(error.code, text).toBe('JSON_LONE_SURROGATE')
      expect(error.path, text).toBe(path)
      expect(error.shortMessage).toContain(`(${unit})`)
    }
    expect(parseJson('{"a":"\\ud83d\\ude00"}')).toEqual({ a: '😀' })
  })

  it('refuses a raw lone surrogate in the text (a JavaScript string handed to the library)', () => {
    const error = thrown(() => parseJson(`{"a":"x${String.fromCharCode(0xd800)}"}`))
    expect(error.code).toBe('JSON_LONE_SURROGATE')
    expect(error.path).toBe('$.a')
  })

  it('finds an ill-formed string in a parsed value (YAML, library callers)', () => {
    expect(illFormedStringPath({ a: [1, { b: 'ok', c: '\ud800' }] })).toEqual(['a', 1, 'c'])
    expect(illFormedStringPath({ ['\udc00']: 1 })).toEqual(['\udc00'])
    expect(illFormedStringPath({ a: ['😀', 'fine'] })).toBeUndefined()
  })
})

describe('strict JSON reader: other input errors', () => {
  it('empty text, syntax errors with line and column, a caller code and wording, invalid UTF-8 with its byte offset', () => {
    expect(thrown(() => parseJson(' \n', { file: 'e.json' })).message).toBe('e.json: file is empty, expected JSON')
    const syntax = thrown(() => parseJson('{\n  "a": 1,\n}', { file: 's.json' }))
    expect(syntax.code).toBe('INPUT_NOT_JSON')
    expect(syntax.shortMessage).toBe('not valid JSON (line 3, column 1)')
    const coded = thrown(() => parseJson('nope', { file: 'g.json', path: '$.payload(decoded)', what: 'the grant payload', code: 'GRANT_PAYLOAD_NOT_JSON' }))
    expect(coded.code).toBe('GRANT_PAYLOAD_NOT_JSON')
    expect(coded.shortMessage).toMatch(/^the grant payload is not valid JSON/)
    expect(coded.path).toBe('$.payload(decoded)')
    const utf8 = thrown(() => parseJsonBytes(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), { file: 'b.json' }))
    expect(utf8.toJSON()).toMatchObject({ code: 'INPUT_NOT_UTF8', file: 'b.json', offset: 6 })
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]))).toBe('{}') // a BOM is dropped
  })

  it('never echoes a huge key whole', () => {
    const key = 'k'.repeat(5_000_000)
    const error = thrown(() => parseJson(`{"${key}":1,"${key}":2}`, { file: 'big.json' }))
    expect(error.code).toBe('JSON_DUPLICATE_KEY')
    expect(error.message.length).toBeLessThan(3_000)
    expect(JSON.stringify(error.toJSON()).length).toBeLessThan(3_000)
  })

  it('the scanner on its own reports nothing for JSON without problems, however nested', () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`
    expect(findJsonTextProblem(deep)).toBeUndefined()
    expect(findJsonTextProblem(`${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}`)).toBeUndefined()
  })
})

describe('strict YAML reader', () => {
  it('refuses a duplicate key with its JSON path and line, more than one document, and a lone surrogate', () => {
    const dup = thrown(() => parseYaml('identity:\n  chain_id: 1\n  chain_id: 2\n', { file: 'config.yaml' }))
    expect(dup.toJSON()).toMatchObject({ code: 'YAML_DUPLICATE_KEY', file: 'config.yaml', path: '$.identity.chain_id', line: 3 })
    expect(dup.shortMessage).toBe('duplicate key "chain_id" (line 3, column 3): a key may appear only once in a mapping')
    const inList = thrown(() => parseYaml('constraints:\n  - type: A\n  - type: B\n    type: C\n'))
    expect(inList.path).toBe('$.constraints[1].type')
    expect(thrown(() => parseYaml('a: 1\n---\nb: 2\n')).code).toBe('INPUT_NOT_YAML')
    const lone = thrown(() => parseYaml('name: "\\ud800"\n', { file: 'p.yaml' }))
    expect(lone.toJSON()).toMatchObject({ code: 'JSON_LONE_SURROGATE', path: '$.name' })
    expect(thrown(() => parseYaml('', { file: 'p.yaml' })).code).toBe('INPUT_EMPTY')
    expect(parseYaml('a: 1\nb: [x, y]\n')).toEqual({ a: 1, b: ['x', 'y'] })
  })
})
