import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reconcileResultSchema } from '../../src/schema/settlement-result.ts'
import { runCli, projectDir } from '../support/cli.ts'
import { startCereRpcServer, type CereRpcServer } from '../support/cere-rpc-server.ts'
import { OWN_METADATA, twoErasChain } from '../integration/cere/chain-from-fixtures.ts'

const bin = fileURLToPath(new URL('../../bin/ccp-bridge.mjs', import.meta.url))
const CLUSTER = '0x0d141c9f0eb6c16c7362ed52ade970085cb6690e'

/** `ccp-bridge eras follow …` as a daemon: its output so far, a wait for a condition on it, and a signal to stop it. */
function daemon(args: string[]) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [bin, 'eras', 'follow', ...args], { cwd: projectDir, env: { ...process.env, DATABASE_URL: '' } })
  const out = { stdout: '', stderr: '' }
  child.stdout.on('data', (d) => (out.stdout += d))
  child.stderr.on('data', (d) => (out.stderr += d))
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)))
  return {
    out,
    async until(what: string, condition: () => boolean, timeoutMs = 400_000) {
      const start = Date.now()
      while (!condition()) {
        if (child.exitCode !== null) throw new Error(`ccp-bridge exited (${child.exitCode}) before ${what}: ${out.stderr}`)
        if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}: ${out.stderr}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    },
    async stop(): Promise<number> {
      child.kill('SIGTERM')
      return exited
    },
  }
}

describe('ccp-bridge eras follow against the loopback chain', () => {
  let server: CereRpcServer
  let dataDir: string
  beforeAll(async () => {
    server = await startCereRpcServer(twoErasChain(CLUSTER, { finalized: 13 }), OWN_METADATA.file)
    dataDir = mkdtempSync(join(tmpdir(), 'ccp-eras-follow-'))
  })
  afterAll(async () => {
    await server?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('reconciles each paid era into the state database, says RPC errors and retries, stops on SIGTERM with exit 0; a restart repeats nothing', async () => {
    server.failNext('chain_getFinalizedHead', 1)
    const first = daemon(['--ws', server.url, '--cluster', CLUSTER, '--from-era', '412', '--data-dir', dataDir, '--json', '--retry-delay', '50', '--poll', '1'])
    await first.until('two eras', () => first.out.stdout.split('\n').filter(Boolean).length === 2)
    expect(await first.stop()).toBe(0)
    const lines = first.out.stdout.trim().split('\n').map((line) => JSON.parse(line))
    expect(lines.map((l) => [l.cluster_id, l.era, l.verdict, l.block])).toEqual([
      [CLUSTER, 412, 'balanced', 6],
      [CLUSTER, 413, 'balanced', 12],
    ])
    for (const line of lines) expect(reconcileResultSchema.parse(line.result).verdict).toBe('balanced')
    expect(first.out.stderr).toMatch(/eras follow: -32000: injected failure of chain_getFinalizedHead; retrying in \d+\.\d s \(attempt 2\)/)
    expect(first.out.stderr).toMatch(/stopped: 2 era\(s\) stored, 1 retry/)

    const second = daemon(['--ws', server.url, '--cluster', CLUSTER, '--data-dir', dataDir, '--poll', '1'])
    await second.until('the restart to reach the head', () => /from block 14 \(finalized head 13\)/.test(second.out.stderr))
    expect(await second.stop()).toBe(0)
    expect(second.out.stdout).toBe('')
    expect(second.out.stderr).toMatch(/stopped: 0 era\(s\) stored, 0 retries/)
  }, 900_000)

  it('bad arguments are exit 2 before anything starts', async () => {
    const runs = await Promise.all([
      runCli(['eras', 'follow', '--ws', server.url]),
      runCli(['eras', 'follow', '--ws', server.url, '--cluster', '0x1234']),
      runCli(['eras', 'follow', '--ws', server.url, '--cluster', CLUSTER, '--from-era', '12345678901234567890123']),
      runCli(['eras', 'follow', '--cluster', CLUSTER], { env: { CERE_WS_URL: '' } }),
      runCli(['eras', 'watch', '--ws', server.url, '--cluster', CLUSTER]),
    ])
    for (const r of runs) expect(r.code).toBe(2)
    expect(runs[0]!.stderr).toContain('missing --cluster 0x…')
    expect(runs[1]!.stderr).toContain('--cluster expects 0x and 40 hex digits')
    expect(runs[2]!.stderr).toMatch(/--era expects a whole number from 0 to 4294967295/)
    expect(runs[3]!.stderr).toContain('missing --ws URL (or $CERE_WS_URL)')
    expect(runs[4]!.stderr).toContain('unknown subcommand eras "watch"')
  })
})
