import { readFile } from 'node:fs/promises'
import { BridgeError } from '../../src/errors.ts'
import { unreadableError } from '../files/unreadable.ts'

/**
 * Reads a file for a command; a missing or unreadable file is a BridgeError naming it (exit 2).
 * @example const bytes = await readInputBytes('cert.json')
 */
export async function readInputBytes(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file))
  } catch (cause) {
    throw unreadableError(file, cause)
  }
}

/**
 * Parses JSON text; a syntax error names the file, line and column. Empty input is its own error.
 * @example parseJsonText(text, 'cert.json')
 */
export function parseJsonText(text: string, file: string): unknown {
  if (text.trim() === '') throw new BridgeError('INPUT_EMPTY', 'file is empty, expected JSON', { file })
  try {
    return JSON.parse(text)
  } catch (cause) {
    const message = (cause as Error).message
    const position = /position (\d+)/.exec(message)
    let where = ''
    if (position) {
      const offset = Number(position[1])
      const before = text.slice(0, offset)
      const line = before.split('\n').length
      const column = offset - before.lastIndexOf('\n')
      where = ` (line ${line}, column ${column})`
    }
    throw new BridgeError('INPUT_NOT_JSON', `not valid JSON${where}`, { file, details: message, cause })
  }
}

/** Reads and parses a JSON file. */
export async function readJsonFile(file: string): Promise<{ value: unknown; bytes: Uint8Array; text: string }> {
  const bytes = await readInputBytes(file)
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (cause) {
    throw new BridgeError('INPUT_NOT_UTF8', 'file is not UTF-8 text', { file, cause })
  }
  return { value: parseJsonText(text, file), bytes, text }
}
