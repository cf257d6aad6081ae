/**
 * `node --import tsx bench/serve-decision.ts [--quick]`: the speed of `GET /v1/agents/{address}/decision` with a warm
 * cache, against the same server's `GET /health` as the baseline measured in the same run (target: at least 0.5 of its
 * requests per second), with the p50 and p99 latency of both. No absolute number is asserted anywhere.
 *
 * The server is the real `ccp-bridge serve` in its own process (embedded database, read-only watcher) following a
 * fresh anvil where the demo agent was certified and published through the CLI; autocannon loads it from this
 * process. The two endpoints are measured in turns (health, decision, health, decision) and each is reported by its
 * better turn, so a burst of other work on the machine does not decide the ratio.
 * --quick: 2-second turns (checks that it runs; the lead measures the real numbers on an idle machine, 10-second turns).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { SCENARIO } from '../fixtures/scripts/scenario.ts'
import { startDemoChain } from '../test/integration/http/demo-chain.ts'

const quick = process.argv.includes('--quick')
const seconds = quick ? 2 : 10
const connections = 16
const bin = fileURLToPath(new URL('../bin/ccp-bridge.mjs', import.meta.url))
/** autocannon (no type declarations of its own): the part used here */
const autocannon = createRequire(import.meta.url)('autocannon') as (options: { url: string; connections: number; duration: number; pipelining: number }) => Promise<{
  requests: { average: number; total: number }
  latency: { p50: number; p99: number }
  non2xx: number
  errors: number
}>

type Turn = { rps: number; p50: number; p99: number; requests: number; non2xx: number; errors: number }

async function load(url: string): Promise<Turn> {
  const result = await autocannon({ url, connections, duration: seconds, pipelining: 1 })
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total, non2xx: result.non2xx, errors: result.errors }
}

const best = (turns: Turn[]) => turns.reduce((a, b) => (b.rps > a.rps ? b : a))

const chain = await startDemoChain()
const { certHash } = await chain.certifyAndPublish().catch(async (error) => {
  await chain.stop()
  throw error
})
const dataDir = mkdtempSync(join(tmpdir(), 'ccp-bench-serve-'))
const server = spawn(
  process.execPath,
  [bin, 'serve', '--port', '0', '--data-dir', dataDir, '--store', chain.storeDir, '--rpc', chain.anvil.rpcUrl, '--registry', chain.deployed.registry, '--now', SCENARIO.now, '--interval', '1'],
  { env: { ...process.env, DATABASE_URL: '' }, stdio: ['ignore', 'ignore', 'pipe'] },
)
let stderr = ''
server.stderr.on('data', (d) => (stderr += d))
try {
  const base = await waitFor(() => /listening on (http:\/\/\S+) /.exec(stderr)?.[1], 'the server to listen')
  const decisionUrl = `${base}/v1/agents/${chain.agent}/decision`
  // the watcher has indexed the certificate, and the decision is computed once (the cold path) before measuring
  await waitFor(async () => ((await (await fetch(`${base}/v1/agents`)).json()) as { agents: unknown[] }).agents.length > 0 || undefined, 'the watcher to index the certificate')
  const cold = Date.now()
  const first = (await (await fetch(decisionUrl)).json()) as { decision: string; certHash: string; cached: boolean }
  const coldMs = Date.now() - cold
  if (first.decision !== 'accept' || first.certHash !== certHash) throw new Error(`unexpected decision: ${JSON.stringify(first)}`)
  const warm = (await (await fetch(decisionUrl)).json()) as { cached: boolean }
  if (!warm.cached) throw new Error('the second decision was not served from the cache')
  await load(`${base}/health`) // warms the JIT of both processes

  const health: Turn[] = []
  const decision: Turn[] = []
  for (let i = 0; i < 2; i++) {
    health.push(await load(`${base}/health`))
    decision.push(await load(decisionUrl))
  }
  const h = best(health)
  const d = best(decision)
  const failures = [...health, ...decision].reduce((n, t) => n + t.non2xx + t.errors, 0)
  const ratio = d.rps / h.rps
  process.stdout.write(
    [
      `serve: GET /v1/agents/{address}/decision with a warm cache vs GET /health (${connections} connections, ${seconds} s turns, best of 2 each)`,
      `  baseline /health     ${Math.round(h.rps).toLocaleString('en')} requests/s   p50 ${h.p50} ms   p99 ${h.p99} ms`,
      `  decision (cached)    ${Math.round(d.rps).toLocaleString('en')} requests/s   p50 ${d.p50} ms   p99 ${d.p99} ms`,
      `  ratio                ${ratio.toFixed(2)} of /health (target ≥ 0.50) ${ratio >= 0.5 ? 'met' : 'NOT met'}`,
      `  cold decision        ${coldMs} ms (verify-agent over RPC: registry reads, document, signatures, concentration)`,
      `  failed requests      ${failures}`,
      '',
    ].join('\n'),
  )
  if (failures > 0) process.exitCode = 1
} finally {
  server.kill('SIGTERM')
  await new Promise((resolve) => server.once('exit', resolve))
  await chain.stop()
  rmSync(dataDir, { recursive: true, force: true })
}

async function waitFor<T>(fn: () => T | undefined | Promise<T | undefined>, what: string, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    try {
      const value = await fn()
      if (value !== undefined) return value
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; server said: ${stderr.slice(-2000)}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
