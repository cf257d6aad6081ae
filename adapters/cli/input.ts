import { decodeUtf8, parseJsonBytes } from '../../src/json/parse-json.ts'
import type { InputLimit } from '../../src/limits.ts'
import { readFileBounded } from '../files/read-file.ts'

/**
 * Reads a whole input file for a command, bounded by its limit (src/limits.ts): a missing or unreadable file, a folder,
 * a device or FIFO, or a file over the limit is a BridgeError naming it (exit 2).
 * @example const bytes = await readInputBytes('cert.json', LIMITS.certificate)
 */
export async function readInputBytes(file: string, limit: InputLimit): Promise<Uint8Array> {
  return readFileBounded(file, limit)
}

/**
 * Reads and strictly parses a JSON file (src/json/parse-json.ts: UTF-8, no duplicate keys, no lone surrogates),
 * bounded by its limit; every error names the file, and the line and JSON path where there is one.
 * @example const { value, text, bytes } = await readJsonFile('cert.json', LIMITS.certificate)
 */
export async function readJsonFile(file: string, limit: InputLimit): Promise<{ value: unknown; bytes: Uint8Array; text: string }> {
  const bytes = await readFileBounded(file, limit)
  return { ...parseJsonBytes(bytes, { file }), bytes }
}

/**
 * Reads a JSON or YAML file (YAML by a `.yaml`/`.yml` name) with the strict readers: duplicate keys and lone
 * surrogates are refused in both.
 * @example const value = await readJsonOrYamlFile('config.yaml', LIMITS.config)
 */
export async function readJsonOrYamlFile(file: string, limit: InputLimit): Promise<unknown> {
  if (!/\.ya?ml$/i.test(file)) return (await readJsonFile(file, limit)).value
  const text = decodeUtf8(await readFileBounded(file, limit), { file })
  // loaded here: the yaml package costs every command's start-up, and only configs and policies may be YAML
  const { parseYaml } = await import('../../src/json/parse-yaml.ts')
  return parseYaml(text, { file })
}

/**
 * Reads a UTF-8 text file bounded by its limit (events files and other line formats parsed by their own readers).
 * @example const text = await readTextFile('events.jsonl', LIMITS.events)
 */
export async function readTextFile(file: string, limit: InputLimit): Promise<string> {
  return decodeUtf8(await readFileBounded(file, limit), { file })
}
