import { isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml'
import { BridgeError } from '../errors.ts'
import { jsonPath } from '../schema/json-path.ts'
import { illFormedStringPath } from './ill-formed-string.ts'
import { lineAndColumn } from './text-position.ts'

/**
 * The strict YAML reader (containment configs, risk policies), with the same rules as `parseJson`: one document, a key
 * once per mapping (YAML_DUPLICATE_KEY with the JSON path and line of the second one), valid Unicode strings
 * (JSON_LONE_SURROGATE), at most 100 aliases; errors name the file and line in words, never the library's text alone.
 * @example parseYaml('a: 1\na: 2\n', { file: 'config.yaml' }) // throws: config.yaml line 2 at $.a: duplicate key "a" …
 */
export function parseYaml(text: string, origin: { file?: string } = {}): unknown {
  const where = origin.file !== undefined ? { file: origin.file } : {}
  if (text.trim() === '') throw new BridgeError('INPUT_EMPTY', 'the file is empty, expected YAML', where)
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, logLevel: 'error' })
  const error = doc.errors[0]
  if (error) {
    const { line, column } = lineAndColumn(text, error.pos[0])
    if (error.code === 'DUPLICATE_KEY') {
      const segments = pathOfKeyAt(doc, error.pos[0])
      const key = segments?.[segments.length - 1]
      throw new BridgeError('YAML_DUPLICATE_KEY', `duplicate key${key !== undefined ? ` ${JSON.stringify(key)}` : ''} (line ${line}, column ${column}): a key may appear only once in a mapping`, {
          ...where,
          line,
          ...(segments ? { path: jsonPath(segments) } : {}),
        })
    }
    const what = error.code === 'MULTIPLE_DOCS' ? `holds more than one YAML document, expected one (line ${line})` : `is not valid YAML (line ${line}, column ${column})`
    throw new BridgeError('INPUT_NOT_YAML', `the file ${what}`, { ...where, line, details: error.message.split('\n')[0]!, cause: error })
  }
  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: 100 })
  } catch (cause) {
    throw new BridgeError('INPUT_NOT_YAML', 'the file is not valid YAML', { ...where, details: (cause as Error).message.split('\n')[0]!, cause })
  }
  const bad = illFormedStringPath(value)
  if (bad) throw new BridgeError('JSON_LONE_SURROGATE', 'a lone UTF-16 surrogate in a string: strings must be valid Unicode', { ...where, path: jsonPath(bad) })
  return value
}

/** The JSON path of the mapping key whose source starts at `offset`. */
function pathOfKeyAt(doc: Document, offset: number): Array<string | number> | undefined {
  let found: Array<string | number> | undefined
  visit(doc, {
    Pair(_key, pair, ancestors) {
      const key = pair.key as Node | null
      if (!key || !key.range || key.range[0] !== offset) return undefined
      const segments: Array<string | number> = []
      const chain = [...ancestors, pair]
      for (let i = 0; i < chain.length; i++) {
        const node = chain[i]
        const child = chain[i + 1]
        if (isSeq(node) && child !== undefined) segments.push(node.items.indexOf(child as never))
        else if (isPair(node)) segments.push(isScalar(node.key) ? String(node.key.value) : String(node.key))
        else if (isMap(node)) continue
      }
      found = segments
      return visit.BREAK
    },
  })
  return found
}
