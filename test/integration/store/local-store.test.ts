import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { jsonStateStore } from '../../../adapters/store/json-state-store.ts'
import { localContentStore } from '../../../adapters/store/local-content-store.ts'
import { certificateUri } from '../../../src/certificate/hash.ts'

const dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ccp-store-'))
  dirs.push(d)
  return d
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('local content store', () => {
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
    await expect(jsonStateStore(file).read('x')).rejects.toThrow(/state\.json is not a JSON object/)
    expect(readFileSync(file, 'utf8')).toBe('{not json')
  })
})
