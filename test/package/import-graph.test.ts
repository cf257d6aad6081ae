import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { certificateHash, certificateUri } from '../../src/certificate/hash.ts'
import { bytesToHex, utf8 } from '../../src/crypto/bytes.ts'
import { sr25519FromSeed, sr25519Ready } from '../../src/crypto/sr25519.ts'
import { projectDir } from '../support/cli.ts'

// What each entry point of the package may not load (package folders under node_modules). `.` is the pure core: a
// consumer that only validates certificates must load no chain SDK, database client, HTTP server or viem at all.
const CHAIN_SDK = ['@polkadot/api', '@polkadot/api-derive', '@polkadot/rpc-core', '@polkadot/rpc-provider', '@polkadot/types']
const DDC_SDK = ['@cere-ddc-sdk/ddc-client', '@cere-ddc-sdk/blockchain']
const DATABASES = ['@electric-sql/pglite', 'pg', 'pg-pool', 'pg-boss']
const HTTP = ['hono', '@hono/node-server', '@hono/zod-openapi', 'prom-client']
const FORBIDDEN: Record<string, string[]> = {
  'cere-ccp-bridge': [...CHAIN_SDK, '@polkadot/util', '@polkadot/util-crypto', '@polkadot/wasm-crypto', ...DDC_SDK, ...DATABASES, ...HTTP, 'ws', 'viem'],
  'cere-ccp-bridge/contracts': [...CHAIN_SDK, ...DDC_SDK, ...DATABASES, ...HTTP],
  'cere-ccp-bridge/evm': [...CHAIN_SDK, ...DDC_SDK, ...DATABASES, ...HTTP],
  // pg is loaded on import (the PostgreSQL adapter); PGlite and the DDC SDK only when a database or DDC store is opened
  'cere-ccp-bridge/node': [...CHAIN_SDK, ...DDC_SDK, '@electric-sql/pglite', 'pg-boss', ...HTTP, 'viem'],
  // @polkadot/api connects over WebSocket (ws)
  'cere-ccp-bridge/cere': [...DDC_SDK, ...DATABASES, ...HTTP, 'viem'],
}

const recorder = fileURLToPath(new URL('./record-modules.mjs', import.meta.url))
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccp-import-graph-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs ESM code in a fresh Node process (cwd: the project, so `cere-ccp-bridge` resolves through its own `exports`) and returns what it printed and every module URL it resolved. */
function runRecorded(name: string, code: string, env: Record<string, string> = {}): { stdout: string; stderr: string; status: number | null; modules: string[] } {
  const file = join(dir, `${name.replace(/\W+/g, '-')}.txt`)
  const run = spawnSync(process.execPath, ['--import', recorder, '--input-type=module', '-e', code], {
    cwd: projectDir,
    env: { ...process.env, ...env, RECORD_MODULES_FILE: file },
    encoding: 'utf8',
    timeout: 60_000,
  })
  const modules = readFileSync(file, 'utf8').split('\n').filter(Boolean)
  return { stdout: run.stdout, stderr: run.stderr, status: run.status, modules }
}

/** The package folders under node_modules among module URLs (`@scope/name` or `name`). */
function packagesOf(urls: string[]): Set<string> {
  const found = new Set<string>()
  for (const url of urls) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
    if (match) found.add(match[1]!)
  }
  return found
}

describe('the import graph of the package entry points (from dist/, in a fresh Node process)', () => {
  it('`cere-ccp-bridge` validates, hashes and verifies a grant without loading any chain SDK, database client or viem', () => {
    const code = `
      import { readFileSync } from 'node:fs'
      import { certificateHash, certificateUri, parseJsonBytes, validateCertificate, verifyGrant } from 'cere-ccp-bridge'
      const bytes = readFileSync('fixtures/certificates/valid-c2.json')
      const { value } = parseJsonBytes(bytes, { file: 'valid-c2.json' })
      const result = validateCertificate(value, { chainId: 31337, now: new Date('2026-04-15T00:00:00Z') })
      const grant = verifyGrant({ text: readFileSync('fixtures/evidence/grants/calendar.json', 'utf8') }, new Date('2026-07-15T00:00:00Z'))
      console.log(JSON.stringify({ valid: result.valid, errors: result.errors, class: result.derived.certificate_class, status: result.status,
        certHash: certificateHash(result.certificate), uri: certificateUri(bytes), grant: [grant.signatureValid, grant.status] }))`
    const run = runRecorded('core', code)
    const bytes = readFileSync(join(projectDir, 'fixtures/certificates/valid-c2.json'))
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({
      valid: true,
      errors: [],
      class: 'C2',
      status: 'ACTIVE',
      certHash: certificateHash(JSON.parse(bytes.toString('utf8'))),
      uri: certificateUri(bytes),
      grant: [true, 'active'],
    })
    // the recorder saw the core itself, through the package's own `exports`
    expect(run.modules).toContain(new URL('dist/src/index.js', `file://${projectDir}`).href)
    expect(run.modules.some((url) => url.includes('/node_modules/zod/'))).toBe(true)
    const loaded = packagesOf(run.modules)
    expect(FORBIDDEN['cere-ccp-bridge']!.filter((name) => loaded.has(name))).toEqual([])
    expect([...loaded].filter((name) => name.startsWith('@polkadot/'))).toEqual([])
  })

  it('sr25519 WebAssembly is loaded by sr25519Ready() only; before it, a verification throws SR25519_NOT_READY instead of answering false', async () => {
    await sr25519Ready()
    const pair = sr25519FromSeed(new Uint8Array(32).fill(7))
    const message = utf8.encode('a vote')
    const env = { SIG: bytesToHex(pair.sign(message)), PUB: bytesToHex(pair.publicKey), MSG: bytesToHex(message) }
    const code = `
      import { appendFileSync } from 'node:fs'
      import { isBridgeError, sr25519Ready, verifySignature } from 'cere-ccp-bridge'
      const hex = (name) => Uint8Array.from(Buffer.from(process.env[name].slice(2), 'hex'))
      const check = () => verifySignature('sr25519', hex('SIG'), hex('MSG'), hex('PUB'))
      let before
      try { before = check() } catch (error) { before = isBridgeError(error, 'SR25519_NOT_READY') ? error.code : String(error) }
      appendFileSync(process.env.RECORD_MODULES_FILE, 'MARK sr25519Ready\\n')
      await sr25519Ready()
      const tampered = verifySignature('sr25519', hex('SIG'), new Uint8Array([1, 2, 3]), hex('PUB'))
      console.log(JSON.stringify({ before, after: check(), tampered }))`
    const run = runRecorded('sr25519', code, env)
    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout)).toEqual({ before: 'SR25519_NOT_READY', after: true, tampered: false })
    const mark = run.modules.indexOf('MARK sr25519Ready')
    expect(mark).toBeGreaterThan(0)
    expect(packagesOf(run.modules.slice(0, mark)).has('@polkadot/wasm-crypto')).toBe(false)
    expect(packagesOf(run.modules.slice(mark)).has('@polkadot/wasm-crypto')).toBe(true)
    expect(CHAIN_SDK.filter((name) => packagesOf(run.modules).has(name))).toEqual([])
  })

  it.each(Object.keys(FORBIDDEN).filter((entry) => entry !== 'cere-ccp-bridge'))('%s loads only what its documentation says', (entry) => {
    const run = runRecorded(entry, `const m = await import('${entry}'); console.log(JSON.stringify(Object.keys(m).sort()))`)
    expect(run.status).toBe(0)
    const names = JSON.parse(run.stdout) as string[]
    const expected: Record<string, string[]> = {
      'cere-ccp-bridge/contracts': ['ccpRegistryAbi', 'ccpRegistryBytecode', 'deployContracts'],
      'cere-ccp-bridge/evm': ['evmRegistry', 'keySigner', 'connectEvm', 'publishCertificate'],
      'cere-ccp-bridge/node': ['localContentStore', 'ddcContentStore', 'openDatabase', 'sqlStateStore', 'httpGrantSource', 'fileGrantSource', 'readTrail', 'verifyTrailFiles'],
      'cere-ccp-bridge/cere': ['connectCere', 'readEraFromChain'],
    }
    expect(names).toEqual(expect.arrayContaining(expected[entry]!))
    const loaded = packagesOf(run.modules)
    expect(FORBIDDEN[entry]!.filter((name) => loaded.has(name))).toEqual([])
    // and it does load what the README's 'Use as a library' section says it loads (the recorder sees package loads at all)
    const loads: Record<string, string> = { 'cere-ccp-bridge/contracts': 'viem', 'cere-ccp-bridge/evm': 'viem', 'cere-ccp-bridge/node': 'pg', 'cere-ccp-bridge/cere': '@polkadot/api' }
    expect(loaded.has(loads[entry]!)).toBe(true)
  })
})
