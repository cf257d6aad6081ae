import { BridgeError } from '../../src/errors.ts'
import { LIMITS } from '../../src/limits.ts'
import { readFileBounded } from '../files/read-file.ts'

const FORMS = 'a key file, env:NAME, prompt, or 64 hex digits for throwaway dev keys'

/**
 * Loads a secret key the way users expect: `env:NAME`, a file path (first line), `prompt` (asked on the TTY),
 * or plain hex for throwaway dev keys (with a warning). The key is never printed.
 * @example const key = await loadKey(values['operator-key'], 'operator-key') // '0x…'
 */
export async function loadKey(spec: string | undefined, option: string): Promise<`0x${string}`> {
  if (spec === undefined) throw new BridgeError('KEY_MISSING', `--${option} is required (${FORMS})`)
  let text: string
  let file: string | undefined
  if (spec.startsWith('env:')) {
    const name = spec.slice(4)
    const value = process.env[name]
    if (!value) throw new BridgeError('KEY_MISSING', `--${option}: environment variable ${name} is not set`)
    text = value
  } else if (spec === 'prompt') {
    if (!process.stdin.isTTY) throw new BridgeError('KEY_MISSING', `--${option} prompt needs a terminal`)
    text = await readHidden(`${option}: `)
  } else if (/^(0x)?[0-9a-fA-F]{64}$/.test(spec)) {
    process.stderr.write(`warning: --${option} given as plain hex on the command line; use a file or env:NAME for real keys\n`)
    text = spec
  } else {
    file = spec
    let bytes: Uint8Array
    try {
      bytes = await readFileBounded(spec, LIMITS.keyFile)
    } catch (cause) {
      const why = cause instanceof BridgeError ? cause.shortMessage : String(cause)
      throw new BridgeError('KEY_UNREADABLE', `--${option}: ${why} (a key is ${FORMS})`, { file: spec, cause, kind: cause instanceof BridgeError ? cause.kind : 'io' })
    }
    text = new TextDecoder().decode(bytes).split('\n')[0] ?? ''
  }
  const key = text.trim()
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key)) {
    throw new BridgeError('KEY_INVALID', `--${option}: expected a 32-byte private key as 64 hex digits${file !== undefined ? ' on the first line of the file' : ''}`, file !== undefined ? { file } : {})
  }
  return (key.startsWith('0x') ? key : `0x${key}`) as `0x${string}`
}

/** Reads one line from the terminal without echoing it. */
function readHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const stdin = process.stdin
    process.stderr.write(prompt)
    stdin.setRawMode(true)
    stdin.resume()
    let text = ''
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          stdin.setRawMode(false)
          stdin.pause()
          stdin.off('data', onData)
          process.stderr.write('\n')
          resolve(text)
          return
        }
        if (char === '\u0003') {
          stdin.setRawMode(false)
          process.stderr.write('\n')
          process.exit(130)
        }
        text = char === '\u007f' ? text.slice(0, -1) : text + char
      }
    }
    stdin.on('data', onData)
  })
}
