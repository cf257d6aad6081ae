import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { apiKeyInfoSchema, healthSchema } from '../../../src/schema/api-service.ts'
import { apiErrorSchema } from '../../../src/schema/api-error.ts'
import { trailResultSchema } from '../../../src/schema/api-trail.ts'
import { projectDir, runCli } from '../../support/cli.ts'
import { eventually } from './service-harness.ts'

const bin = join(projectDir, 'bin', 'ccp-bridge.mjs')
const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ccp-serve-cli-'))
  dirs.push(dir)
  return dir
}

/** `ccp-bridge serve …` as a user starts it: waits for its "listening on" line; `stop` sends a signal and waits for the exit. */
async function startServe(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...args], { cwd: projectDir, env: { ...process.env, DATABASE_URL: '', ETH_RPC_URL: '', CCP_REGISTRY: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  let stdout = ''
  child.stderr.on('data', (d) => (stderr += d))
  child.stdout.on('data', (d) => (stdout += d))
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)))
  const url = await Promise.race([
    eventually(async () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1], 60_000, 'serve to listen'),
    exited.then((code) => Promise.reject(new Error(`serve exited with ${code}: ${stderr}`))),
  ])
  return {
    url,
    stderr: () => stderr,
    stdout: () => stdout,
    async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number> {
      child.kill(signal)
      return exited
    },
  }
}

describe('ccp-bridge keys and ccp-bridge serve, as a user runs them', () => {
  it('creates, lists and revokes API keys; the server accepts a key until it is revoked', async () => {
    const dir = tempDir()
    const created = await runCli(['keys', 'create', '--name', 'auditor ci', '--data-dir', dir, '--json'], { env: { DATABASE_URL: '' } })
    expect(created.code, created.stderr).toBe(0)
    const { key, token } = created.json() as { key: unknown; token: string }
    const info = apiKeyInfoSchema.parse(key)
    expect(info).toMatchObject({ name: 'auditor ci', scopes: ['trails:verify', 'trails:read'], revokedAt: null })
    expect(token).toMatch(new RegExp(`^ccpb_${info.id}_[A-Za-z0-9_-]{43}$`))

    const listed = await runCli(['keys', 'list', '--data-dir', dir, '--json'], { env: { DATABASE_URL: '' } })
    expect(listed.code).toBe(0)
    expect(listed.json().keys).toEqual([info])
    // the secret: everything after `ccpb_<16 hex id>_` (base64url, so it may hold `_` itself)
    const secret = /^ccpb_[0-9a-f]{16}_(.{43})$/.exec(token)![1]!
    expect(listed.stdout).not.toContain(secret)

    const serve = await startServe(['--data-dir', dir])
    const upload = (url: string) => fetch(`${url}/v1/trails/verify`, { method: 'POST', body: readFileSync(join(projectDir, 'fixtures/evidence/trail.jsonl')), headers: { 'content-type': 'application/jsonl', authorization: `Bearer ${token}` } })
    try {
      const ok = await upload(serve.url)
      expect(ok.status).toBe(201)
      expect(trailResultSchema.parse(await ok.json()).report.ok).toBe(true)
      expect(healthSchema.parse(await (await fetch(`${serve.url}/health`)).json())).toMatchObject({ status: 'ok', database: 'pglite', registry: null })
      // the page and the API reference are served by the same process, with no build step
      const page = await fetch(`${serve.url}/`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('<script type="module" src="/assets/app.js">')
      expect((await fetch(`${serve.url}/assets/app.js`)).headers.get('content-type')).toMatch(/^text\/javascript/)
      expect(await (await fetch(`${serve.url}/docs`)).text()).toContain('/v1/agents/{address}/decision')
    } finally {
      expect(await serve.stop()).toBe(0)
    }
    expect(serve.stderr()).toContain('stopped')
    expect(serve.stderr()).not.toContain(token)
    expect(serve.stderr()).not.toMatch(/\n\s+at /)

    const revoked = await runCli(['keys', 'revoke', info.id, '--data-dir', dir], { env: { DATABASE_URL: '' } })
    expect(revoked.code, revoked.stderr).toBe(0)
    expect(revoked.stdout).toMatch(new RegExp(`^revoked API key ${info.id} \\(auditor ci\\) at `))
    const again = await startServe(['--data-dir', dir])
    try {
      const refused = await upload(again.url)
      expect(refused.status).toBe(401)
      expect(apiErrorSchema.parse(await refused.json()).error.code).toBe('KEY_REVOKED')
    } finally {
      await again.stop()
    }
  })

  it('refuses bad arguments of keys and serve with exit 2 and the JSON error document', async () => {
    const dir = tempDir()
    const cases: Array<[string[], string]> = [
      [['keys', 'create', '--data-dir', dir, '--json'], 'BAD_ARGUMENTS'],
      [['keys', 'create', '--name', 'x', '--scope', 'admin', '--data-dir', dir, '--json'], 'BAD_ARGUMENTS'],
      [['keys', 'revoke', 'not-an-id', '--data-dir', dir, '--json'], 'KEY_ID_INVALID'],
      [['keys', 'revoke', '0123456789abcdef', '--data-dir', dir, '--json'], 'KEY_NOT_FOUND'],
      [['keys', 'rotate', '--json'], 'BAD_ARGUMENTS'],
      [['serve', '--rpc', 'http://127.0.0.1:1', '--json'], 'BAD_ARGUMENTS'],
      [['serve', '--port', '70000', '--json'], 'BAD_ARGUMENTS'],
      [['serve', '--cluster', '0x0d141c9f0eb6c16c7362ed52ade970085cb6690e', '--json'], 'BAD_ARGUMENTS'],
      [['serve', '--gar', 'http://127.0.0.1:1', '--json'], 'BAD_ARGUMENTS'],
    ]
    for (const [args, code] of cases) {
      const r = await runCli(args, { env: { DATABASE_URL: '', ETH_RPC_URL: '', CCP_REGISTRY: '', CERE_WS_URL: '' } })
      expect(r.code, args.join(' ')).toBe(2)
      expect(apiErrorSchema.parse(r.json()).error.code, args.join(' ')).toBe(code)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
  })

  it('keeps serving when the registry node does not answer, and says why in /health', async () => {
    const dir = tempDir()
    const serve = await startServe(['--data-dir', dir, '--rpc', 'http://127.0.0.1:9', '--registry', '0x5FbDB2315678afecb367f032d93F642f64180aa3', '--json'])
    try {
      const health = await eventually(async () => {
        const h = healthSchema.parse(await (await fetch(`${serve.url}/health`)).json())
        return h.watcher.lastError ? h : undefined
      }, 30_000, 'the watcher to report the node')
      expect(health).toMatchObject({ status: 'degraded', registry: '0x5FbDB2315678afecb367f032d93F642f64180aa3', watcher: { running: false, head: null } })
      expect(health.watcher.lastError).toMatch(/EVM node/)
      const decision = await fetch(`${serve.url}/v1/agents/0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC/decision`)
      expect(decision.status).toBe(503)
      expect(apiErrorSchema.parse(await decision.json()).error.code).toMatch(/^(RPC_UNREACHABLE|EVM_CALL_FAILED)$/)
      // logs are JSON lines with --json, and never carry a stack
      const lines = serve.stderr().trim().split('\n')
      for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow()
      expect(lines.some((l) => JSON.parse(l).scope === 'watcher' && JSON.parse(l).level === 'warn')).toBe(true)
    } finally {
      expect(await serve.stop('SIGINT')).toBe(0)
    }
    expect(serve.stderr()).not.toMatch(/\n\s+at /)
  })
})
