import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import type { SqlDatabase } from '../../../adapters/sql/database.ts'
import { projectDir } from '../../support/cli.ts'

const bin = fileURLToPath(new URL('../../../bin/ccp-bridge.mjs', import.meta.url))

export type FlakyGar = {
  url: string
  /** what GAR serves for the agent key (any key: the scenario has one agent) */
  serve(agreements: unknown[]): void
  /** the next `n` requests are answered with HTTP `status` (with `agentsOnly`, not a watcher's start-up probe: the all-zero key) */
  failNext(n: number, status?: number, agentsOnly?: boolean): void
  requests(): number
  close(): Promise<void>
}

/**
 * A loopback GAR that can fail its next requests (HTTP 503 by default), then answers again: how a GAR outage looks.
 * @example const gar = await flakyGar(); gar.serve([grant]); gar.failNext(2)
 */
export async function flakyGar(): Promise<FlakyGar> {
  let agreements: unknown[] = []
  let failing = 0
  let status = 503
  let agentsOnly = false
  let count = 0
  const server: Server = createServer((request, response) => {
    count++
    if (!request.url?.startsWith('/api/v1/agreements?')) {
      response.writeHead(404).end()
      return
    }
    const probe = /agent_service_pub_key=0{64}(&|$)/.test(request.url)
    if (failing > 0 && !(agentsOnly && probe)) {
      failing--
      response.writeHead(status, { 'content-type': 'application/json' }).end('{"error":"unavailable"}')
      return
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ agreements }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    serve: (list) => void (agreements = list),
    failNext: (n, code = 503, only = false) => {
      failing = n
      status = code
      agentsOnly = only
    },
    requests: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

export type Daemon = {
  child: ChildProcess
  stdout(): string
  stderr(): string
  /** resolves once stdout or stderr matches */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>
  /** resolves with the exit code (or the signal's name) */
  exited: Promise<number | string>
}

/**
 * Starts the real `ccp-bridge` bin as a long-running process (watch --follow), to signal and stop.
 * @example const d = startCli(['watch', '--follow', …]); await d.waitFor(/tracking/); d.child.kill('SIGTERM'); await d.exited
 */
export function startCli(args: string[], env: Record<string, string> = {}): Daemon {
  const child = spawn(process.execPath, [bin, ...args], { cwd: projectDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  const waiters: Array<() => void> = []
  const wake = () => waiters.splice(0).forEach((w) => w())
  child.stdout!.on('data', (d) => ((out += d), wake()))
  child.stderr!.on('data', (d) => ((err += d), wake()))
  const exited = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? -1)))
  const killer = setTimeout(() => child.kill('SIGKILL'), 180_000)
  void exited.then(() => clearTimeout(killer))
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 90_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}\nstdout: ${out}\nstderr: ${err}`)), timeoutMs)
        const check = () => {
          if (pattern.test(out) || pattern.test(err)) {
            clearTimeout(timer)
            resolve()
          } else if (child.exitCode !== null) {
            clearTimeout(timer)
            reject(new Error(`exited (${child.exitCode}) before ${pattern}\nstdout: ${out}\nstderr: ${err}`))
          } else waiters.push(check)
        }
        check()
      })
    },
  }
}

/** JSON Lines output as objects. */
export function jsonLines(text: string): Array<Record<string, any>> {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l))
}

/**
 * Opens a database a watcher process left (after it exited), runs `fn` on it and closes it.
 * @example const head = await withDatabase(() => openDatabase({ dataDir }), (db) => watcherHead(db))
 */
export async function withDatabase<T>(open: () => Promise<SqlDatabase>, fn: (db: SqlDatabase) => Promise<T>): Promise<T> {
  const db = await open()
  try {
    return await fn(db)
  } finally {
    await db.close()
  }
}
