import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { readFileBounded } from '../../../adapters/files/read-file.ts'
import { readLines } from '../../../adapters/files/read-lines.ts'
import { writeOutputFile } from '../../../adapters/files/write-output.ts'
import { BridgeError } from '../../../src/errors.ts'
import { LIMITS, MiB } from '../../../src/limits.ts'

const dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ccp-input-'))
  dirs.push(d)
  return d
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

async function lines(file: string, limit = LIMITS.trailLine) {
  const out: Array<{ text: string; line: number }> = []
  for await (const l of readLines(file, limit)) out.push(l)
  return out
}

describe('bounded whole-file reads', () => {
  it('reads a regular file; refuses a device, a FIFO, a folder and a file over the limit with the file and limit named', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'ok.json'), '{"a":1}')
    expect(new TextDecoder().decode(await readFileBounded(join(dir, 'ok.json'), LIMITS.certificate))).toBe('{"a":1}')
    const zero = await readFileBounded('/dev/zero', LIMITS.certificate).catch((e) => e)
    expect(zero).toBeInstanceOf(BridgeError)
    expect(zero.message).toBe('/dev/zero: expected a regular file, got a character device (such as /dev/zero)')
    execFileSync('mkfifo', [join(dir, 'fifo')])
    const fifo = await readFileBounded(join(dir, 'fifo'), LIMITS.certificate).catch((e) => e) // must not block waiting for a writer
    expect(fifo.code).toBe('INPUT_NOT_A_FILE')
    expect(fifo.shortMessage).toBe('expected a regular file, got a FIFO (named pipe)')
    const folder = await readFileBounded(dir, LIMITS.certificate).catch((e) => e)
    expect(folder.shortMessage).toBe('expected a regular file, got a folder')
    writeFileSync(join(dir, 'big.json'), '')
    truncateSync(join(dir, 'big.json'), LIMITS.certificate.bytes + 1)
    const big = await readFileBounded(join(dir, 'big.json'), LIMITS.certificate).catch((e) => e)
    expect(big.toJSON()).toMatchObject({ code: 'INPUT_TOO_LARGE', file: join(dir, 'big.json'), message: 'larger than 4 MiB, the limit for a certificate' })
    const missing = await readFileBounded(join(dir, 'nope.json'), LIMITS.certificate).catch((e) => e)
    expect(missing.message).toBe(`${join(dir, 'nope.json')}: cannot read the file: no such file or folder`)
  })
})

describe('bounded JSON Lines reads', () => {
  it('streams lines with their numbers: CRLF, a last line without newline, lines across 1 MiB reads', async () => {
    const dir = tempDir()
    const long = 'x'.repeat(3 * MiB)
    writeFileSync(join(dir, 't.jsonl'), `{"a":1}\r\n\n"${long}"\n{"b":2}`)
    const read = await lines(join(dir, 't.jsonl'))
    expect(read.map((l) => [l.line, l.text.length])).toEqual([[1, 7], [2, 0], [3, long.length + 2], [4, 7]])
    expect(read[3]!.text).toBe('{"b":2}')
  })

  it('refuses a line over the limit (naming the line), a device, and a line that is not UTF-8, in flat memory', async () => {
    const dir = tempDir()
    const file = join(dir, 'zeros.jsonl')
    writeFileSync(file, '{"ok":true}\n')
    truncateSync(file, 12 + 17 * MiB) // a second "line" of 17 MiB of zero bytes, without a newline
    const before = process.memoryUsage().rss
    const error = await lines(file).catch((e) => e)
    expect(error.toJSON()).toMatchObject({ code: 'INPUT_TOO_LARGE', file, line: 2, message: 'line 2 is larger than 16 MiB, the limit for one line of a JSON Lines trail file' })
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * MiB)
    expect((await lines('/dev/zero').catch((e) => e)).code).toBe('INPUT_NOT_A_FILE')
    writeFileSync(join(dir, 'bad.jsonl'), Buffer.from([0x7b, 0x7d, 0x0a, 0xff, 0x0a]))
    const bad = await lines(join(dir, 'bad.jsonl')).catch((e) => e)
    expect(bad.toJSON()).toMatchObject({ code: 'INPUT_NOT_UTF8', line: 2, message: 'line 2 is not UTF-8 text' })
  })
})

describe('output files a user names', () => {
  it('a missing folder or a folder as the name is a clear error; a file is written atomically', async () => {
    const dir = tempDir()
    const missing = await writeOutputFile(join(dir, 'nope', 'out.json'), 'x').catch((e) => e)
    expect(missing.message).toBe(`${join(dir, 'nope', 'out.json')}: cannot write the file: the folder ${join(dir, 'nope')} does not exist`)
    mkdirSync(join(dir, 'sub'))
    const folder = await writeOutputFile(join(dir, 'sub'), 'x').catch((e) => e)
    expect(folder.code).toBe('OUTPUT_IS_FOLDER')
    await writeOutputFile(join(dir, 'sub', 'out.json'), 'written')
    expect(readFileSync(join(dir, 'sub', 'out.json'), 'utf8')).toBe('written')
  })
})
