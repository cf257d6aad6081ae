import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { jsonStateStore } from '../../../adapters/store/json-state-store.ts'
import { localContentStore } from '../../../adapters/store/local-content-store.ts'
import { certificateUri } from '../../../src/certificate/hash.ts'
import { writeFileAtomic } from '../../../adapters/store/atomic-file.ts'
import { BridgeError } from '../../../src/errors.ts'

const dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ccp-store-'))
  dirs.push(d)
  return d
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('local content store', () => {
  it('refuses a stored document that is a link to /dev/zero, a folder, or larger than the limit, without reading it', async () => {
    const dir = tempDir()
    const store = localContentStore(dir)
    const uri = 'ipfs://bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku'
    const cid = uri.slice('ipfs://'.length)
    symlinkSync('/dev/zero', join(dir, cid))
    const started = Date.now()
    const zero = await store.get(uri).catch((e) => e)
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(zero).toBeInstanceOf(BridgeError)
    expect(zero.toJSON()).toMatchObject({ code: 'STORE_READ_FAILED', file: join(dir, cid) })
    expect(zero.shortMessage).toBe('cannot read the stored document: expected a regular file, got a character device (such as /dev/zero)')
    rmSync(join(dir, cid))
    writeFileSync(join(dir, cid), '')
    truncateSync(join(dir, cid), 256 * 1024 * 1024 + 1) // sparse: no disk used
    const large = await store.get(uri).catch((e) => e)
    expect(large.shortMessage).toBe('cannot read the stored document: larger than 256 MiB, the limit for a stored document')
  })


  it('names files by their raw sha2-256 CIDv1, the same URI the certificate core computes', async () => {
    const dir = tempDir()
    const store = localContentStore(dir)
    const bytes = new TextEncoder().encode('{"hello":"ccp"}\n')
    const { uri, cid } = await store.put(bytes)
    expect(uri).toBe(certificateUri(bytes))
    expect(readdirSync(dir)).toEqual([cid])
    expect(await store.get(uri)).toEqual(bytes)
  })

  it('is idempotent, leaves no temp files, and returns undefined for an absent document', async () => {
    const dir = tempDir()
    const store = localContentStore(dir)
    const bytes = new Uint8Array([1, 2, 3])
    const a = await store.put(bytes)
    const b = await store.put(bytes)
    expect(a).toEqual(b)
    expect(readdirSync(dir)).toEqual([a.cid])
    expect(await store.get('ipfs://bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')).toBeUndefined()
  })

  it('returns tampered bytes as stored (readers re-hash) and rewrites a damaged file on put', async () => {
    const dir = tempDir()
    const store = localContentStore(dir)
    const bytes = new TextEncoder().encode('original')
    const { uri, cid } = await store.put(bytes)
    writeFileSync(join(dir, cid), 'tampered')
    expect(new TextDecoder().decode(await store.get(uri))).toBe('tampered')
    await store.put(bytes)
    expect(readFileSync(join(dir, cid), 'utf8')).toBe('original')
  })

  it('refuses a URI that is not ipfs://<CID>', async () => {
    const store = localContentStore(tempDir())
    await expect(store.get('https://example.com/x')).rejects.toThrow(/ipfs:\/\/<CID>/)
    await expect(store.get('ipfs://notacid')).rejects.toThrow(/not a valid CID/)
  })
})

describe('json state store', () => {
  it('persists every write across instances (a restart) and lists keys by prefix', async () => {
    const file = join(tempDir(), 'state.json')
    const a = jsonStateStore(file)
    await Promise.all([a.write('publish/0x01', { step: 'stored' }), a.write('watch/cursor', { block: 12n }), a.write('publish/0x02', { step: 'verified' })])
    const b = jsonStateStore(file)
    expect(await b.read('publish/0x01')).toEqual({ step: 'stored' })
    expect(await b.read('watch/cursor')).toEqual({ block: '12' })
    expect(await b.keys('publish/')).toEqual(['publish/0x01', 'publish/0x02'])
    expect(readdirSync(join(file, '..'))).toEqual(['state.json'])
  })

  it('loses no write when two processes (two instances) write the same file at once', async () => {
    const file = join(tempDir(), 'state.json')
    const watcher = jsonStateStore(file)
    const publisher = jsonStateStore(file)
    const keys = Array.from({ length: 12 }, (_, i) => i)
    await Promise.all(keys.flatMap((i) => [watcher.write(`watch/cert/0x${i}`, { i }), publisher.write(`publish/0x${i}`, { i })]))
    const after = jsonStateStore(file)
    expect(await after.keys('watch/cert/')).toHaveLength(12)
    expect(await after.keys('publish/')).toHaveLength(12)
    expect(readdirSync(join(file, '..'))).toEqual(['state.json'])
  })

  it('takes over a lock left by a process that died', async () => {
    const file = join(tempDir(), 'state.json')
    writeFileSync(`${file}.lock`, '999999999')
    await jsonStateStore(file).write('watch/cursor', { block: '3' })
    expect(await jsonStateStore(file).read('watch/cursor')).toEqual({ block: '3' })
    expect(readdirSync(join(file, '..'))).toEqual(['state.json'])
  })

  it('reports a corrupt state file with its name instead of overwriting it', async () => {
    const file = join(tempDir(), 'state.json')
    writeFileSync(file, '{not json')
    await expect(jsonStateStore(file).read('x')).rejects.toThrow(/state\.json: the state file is not valid JSON \(line 1, column 2\)/)
    expect(readFileSync(file, 'utf8')).toBe('{not json')
  })
})

describe('atomic writes', () => {
  it('write through a symbolic link: the target gets the new bytes atomically, the link stays a link, the mode stays', async () => {
    const dir = tempDir()
    const target = join(dir, 'real.json')
    writeFileSync(target, 'old', { mode: 0o600 })
    symlinkSync(target, join(dir, 'link.json'))
    await writeFileAtomic(join(dir, 'link.json'), 'new')
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true)
    expect(readFileSync(target, 'utf8')).toBe('new')
    expect(lstatSync(target).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir).sort()).toEqual(['link.json', 'real.json'])
    symlinkSync(join(dir, 'missing.json'), join(dir, 'dangling.json'))
    const error = await writeFileAtomic(join(dir, 'dangling.json'), 'x').catch((e) => e)
    expect(error.code).toBe('OUTPUT_DANGLING_LINK')
  })
})
