import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { httpGrantSource } from '../../../adapters/gar/http-grant-source.ts'
import { fileGrantSource } from '../../../adapters/gar/file-grant-source.ts'
import { buildScenario, scenarioKey } from '../../../fixtures/scripts/scenario.ts'
import { buildExpandedGrant } from '../../../src/consent/build.ts'
import { verifyGrant } from '../../../src/consent/verify-grant.ts'
import { BridgeError } from '../../../src/errors.ts'
import { startGarServer, type GarServer } from '../../support/gar-server.ts'
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const scenario = buildScenario()
const envelope = JSON.parse(scenario.files['grants/calendar.json']!)
let gar: GarServer

beforeAll(async () => {
  gar = await startGarServer()
})
afterAll(async () => {
  await gar.close()
})

describe('GAR over HTTP (loopback server)', () => {
  it('fetches the agreements of an agent service key, which verify over their exact payload bytes', async () => {
    gar.setAgreements(scenario.agentServiceKey, [envelope])
    const grants = await httpGrantSource(gar.url).agreements(`0x${scenario.agentServiceKey}`)
    expect(grants).toHaveLength(1)
    expect(grants[0]!.origin).toMatch(/agent_service_pub_key=[0-9a-f]{64} at \$\.agreements\[0\]$/)
    const verified = verifyGrant({ text: grants[0]!.text }, new Date('2026-06-15T00:00:00Z'))
    expect(verified.signatureValid).toBe(true)
    expect(verified.hash).toBe(scenario.grantHash)
  })

  it('answers an empty list for an unknown agent', async () => {
    expect(await httpGrantSource(gar.url).agreements(`0x${'00'.repeat(32)}`)).toEqual([])
  })

  it('an HTTP error or an unreachable service is an io error (exit 2)', async () => {
    const failing = await startGarServer({ failWith: 503 })
    const error = await httpGrantSource(failing.url).agreements('0x01').catch((e) => e)
    await failing.close()
    expect(error).toBeInstanceOf(BridgeError)
    expect(error.code).toBe('GAR_HTTP_ERROR')
    expect(error.kind).toBe('io')
    const down = await httpGrantSource(failing.url, { timeoutMs: 2000 }).agreements('0x01').catch((e) => e)
    expect(down.code).toBe('GAR_UNREACHABLE')
  })

  it('a malformed answer names the URL and the JSON path', async () => {
    const fetchStub: typeof fetch = async () => new Response('{"agreements": 3}', { status: 200 })
    const error = await httpGrantSource('http://gar.invalid', { fetch: fetchStub }).agreements('0xab').catch((e) => e)
    expect(error.code).toBe('GAR_BAD_RESPONSE')
    expect(error.path).toBe('$.agreements')
  })
})

describe('GAR answers are bounded and strict', () => {
  /** A loopback server answering every request with `respond`. */
  async function serve(respond: (response: import('node:http').ServerResponse) => void) {
    const server = createServer((_request, response) => respond(response))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.closeAllConnections() ?? server.close(() => resolve())) }
  }

  it('a server streaming whitespace forever is cut at the limit: HTTP_BODY_TOO_LARGE naming the URL, in bounded memory', async () => {
    const chunk = Buffer.alloc(1 << 20, 0x20)
    let sent = 0
    const server = await serve((response) => {
      response.writeHead(200, { 'content-type': 'application/json' })
      const pump = () => {
        while (!response.destroyed && response.write(chunk)) sent += chunk.length
        if (!response.destroyed) response.once('drain', pump)
      }
      response.on('close', () => undefined)
      pump()
    })
    try {
      const before = process.memoryUsage().rss
      const error = await httpGrantSource(server.url, { timeoutMs: 60_000 }).agreements('0xab').catch((e) => e)
      expect(error).toBeInstanceOf(BridgeError)
      expect(error.code).toBe('HTTP_BODY_TOO_LARGE')
      expect(error.kind).toBe('io')
      expect(error.file).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/agreements\?agent_service_pub_key=ab$/)
      expect(error.shortMessage).toBe('the answer is larger than 64 MiB, the limit for a GAR answer')
      expect(process.memoryUsage().rss - before).toBeLessThan(400 * 1024 * 1024)
    } finally {
      await server.close()
    }
  })

  it('a declared content-length over the limit is refused before the body is read', async () => {
    const server = await serve((response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(65 * 1024 * 1024) })
      response.write('{')
    })
    try {
      const error = await httpGrantSource(server.url).agreements('0xab').catch((e) => e)
      expect(error.code).toBe('HTTP_BODY_TOO_LARGE')
    } finally {
      await server.close()
    }
  })

  it('an answer with a key twice is refused with its path: {"agreements": […], "agreements": […]} and inside a grant', async () => {
    const one = JSON.stringify(envelope)
    const cases: Array<[string, string]> = [
      [`{"agreements":[${one}],"agreements":[]}`, '$.agreements'],
      [`{"agreements":[${one.replace('{', '{"signature":1,')}]}`, '$.agreements[0].signature'],
    ]
    for (const [body, path] of cases) {
      const fetchStub: typeof fetch = async () => new Response(body, { status: 200 })
      const error = await httpGrantSource('http://gar.invalid', { fetch: fetchStub }).agreements('0xab').catch((e) => e)
      expect(error.code).toBe('JSON_DUPLICATE_KEY')
      expect(error.path).toBe(path)
      expect(error.file).toBe('http://gar.invalid/api/v1/agreements?agent_service_pub_key=ab')
    }
  })
})

describe('GAR from files', () => {
  it('reads one envelope, an array, {agreements} and a folder, each with its origin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccp-gar-'))
    try {
      mkdirSync(join(dir, 'folder'))
      writeFileSync(join(dir, 'one.json'), JSON.stringify(envelope))
      writeFileSync(join(dir, 'list.json'), JSON.stringify([envelope, envelope]))
      writeFileSync(join(dir, 'folder', 'a.json'), JSON.stringify({ agreements: [envelope] }))
      const grants = await fileGrantSource([join(dir, 'one.json'), join(dir, 'list.json'), join(dir, 'folder')]).agreements('0x00')
      expect(grants.map((g) => g.origin.replace(dir, ''))).toEqual(['/one.json', '/list.json at $[0]', '/list.json at $[1]', '/folder/a.json at $.agreements[0]'])
      writeFileSync(join(dir, 'bad.json'), '{"x": 1}')
      await expect(fileGrantSource([join(dir, 'bad.json')]).agreements('0x00')).rejects.toThrow(/grant envelope/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('certify with grants from GAR over HTTP', () => {
  it('certifies from the loopback GAR, and refuses once GAR serves the revoked grant', async () => {
    const { certify } = await import('../../../src/bridge/certify.ts')
    const { memoryStore, scenarioEvidence, signer } = await import('../../unit/bridge/memory-ports.ts')
    const evidence = scenarioEvidence(scenario)
    const source = httpGrantSource(gar.url)
    const run = async () =>
      certify({
        ...evidence,
        grants: await source.agreements(`0x${scenario.agentServiceKey}`),
        now: new Date('2026-06-15T00:00:00Z'),
        registry: { chainId: 31337, address: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
        stakeContract: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
        auditor: signer(scenario.evm.auditor.devPrivateKey),
        store: memoryStore(),
      })
    gar.setAgreements(scenario.agentServiceKey, [envelope])
    const ok = await run()
    expect(ok.certified && ok.grantHashes).toEqual([scenario.grantHash])
    gar.setAgreements(scenario.agentServiceKey, [evidence.revokedGrant])
    const refused = await run()
    expect(refused.certified).toBe(false)
    expect(!refused.certified && refused.refusals[0]!.code).toBe('NO_ACTIVE_GRANT')
  })
})

describe('expanded-form grants (seed 000) keep the exact text their signature covers', () => {
  const payload = JSON.parse(Buffer.from(envelope.payload, 'base64url').toString('utf8'))
  const expanded = buildExpandedGrant(payload, scenarioKey('user'))
  const now = new Date('2026-06-15T00:00:00Z')

  it('from a file and from an array in a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccp-gar-'))
    try {
      writeFileSync(join(dir, 'expanded.json'), expanded)
      writeFileSync(join(dir, 'list.json'), `[\n${expanded.trim()}\n]\n`)
      const grants = await fileGrantSource([join(dir, 'expanded.json'), join(dir, 'list.json')]).agreements(`0x${scenario.agentServiceKey}`)
      expect(grants.map((g) => g.origin.replace(dir, ''))).toEqual(['/expanded.json', '/list.json at $[0]'])
      for (const g of grants) expect(verifyGrant({ text: g.text, file: g.origin }, now)).toMatchObject({ form: 'expanded', signatureValid: true, status: 'active' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('from a GAR answer, and certify accepts it', async () => {
    const fetchStub: typeof fetch = async () => new Response(`{\n  "agreements": [\n${expanded}  ]\n}\n`, { status: 200 })
    const grants = await httpGrantSource('http://gar.invalid', { fetch: fetchStub }).agreements(`0x${scenario.agentServiceKey}`)
    expect(grants).toHaveLength(1)
    expect(verifyGrant({ text: grants[0]!.text }, now)).toMatchObject({ form: 'expanded', signatureValid: true })
    const { certify } = await import('../../../src/bridge/certify.ts')
    const { memoryStore, scenarioEvidence, signer } = await import('../../unit/bridge/memory-ports.ts')
    const result = await certify({
      ...scenarioEvidence(scenario),
      grants,
      now,
      registry: { chainId: 31337, address: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
      stakeContract: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
      auditor: signer(scenario.evm.auditor.devPrivateKey),
      store: memoryStore(),
    })
    expect(result.certified ? [] : result.refusals).toEqual([])
  })
})
