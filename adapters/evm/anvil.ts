import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { BridgeError } from '../../src/errors.ts'
import { devAccounts, type DevAccount } from './dev-accounts.ts'

/** The anvil binary shipped by npm `@foundry-rs/anvil-linux-amd64`. */
export const anvilBinary = anvilPath()

/** Where npm put the package's binary (node_modules of this project, or of a project that installed this package). */
function anvilPath(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@foundry-rs/anvil-linux-amd64/package.json')), 'bin', 'anvil')
  } catch {
    return 'node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil'
  }
}

export type AnvilOptions = {
  /** TCP port on 127.0.0.1; 0 (default) lets the OS pick a free one */
  port?: number
  /** chain id (anvil's default 31337) */
  chainId?: number
  /** genesis block timestamp in unix seconds (to line the chain clock up with a `--now`) */
  timestamp?: number
  /** how long to wait for anvil to listen (ms) */
  startTimeoutMs?: number
}

export type Anvil = {
  rpcUrl: string
  port: number
  chainId: number
  /** anvil's well-known development accounts (their keys are public: never use them on a real chain) */
  accounts: DevAccount[]
  /** the anvil process id */
  pid: number
  /** stops anvil and waits until it has exited */
  stop(): Promise<void>
}

/**
 * Starts anvil on 127.0.0.1 and resolves once it listens (port parsed from its stdout). anvil runs under a
 * tiny `sh` watchdog that kills it when our stdin pipe closes, so no anvil outlives this process, even on a crash.
 * @example const anvil = await startAnvil(); …; await anvil.stop()
 */
export function startAnvil(options: AnvilOptions = {}): Promise<Anvil> {
  if (!existsSync(anvilBinary)) {
    return Promise.reject(new BridgeError('ANVIL_MISSING', `anvil is not installed at ${anvilBinary}`, { kind: 'io', details: 'run npm ci' }))
  }
  const chainId = options.chainId ?? 31337
  const args = ['--host', '127.0.0.1', '--port', String(options.port ?? 0), '--chain-id', String(chainId)]
  if (options.timestamp !== undefined) args.push('--timestamp', String(options.timestamp))
  // The watchdog: start anvil, report its pid, kill it as soon as our stdin pipe reaches end of file
  // (we stopped it, or this process died), and exit with anvil's code when anvil ends by itself.
  const script = [
    'exec 3<&0',
    '"$0" "$@" & pid=$!',
    'echo "anvil-pid $pid" >&2',
    '( read -r _line <&3; kill "$pid" 2>/dev/null ) & watcher=$!',
    'wait "$pid"; code=$?',
    'kill "$watcher" 2>/dev/null',
    'exit "$code"',
  ].join('\n')
  const child = spawn('/bin/sh', ['-c', script, anvilBinary, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  return new Promise<Anvil>((resolve, reject) => {
    let anvilPid: number | undefined
    let stdoutTail = ''
    let stderrText = ''
    let settled = false
    const exited = new Promise<void>((done) => child.once('close', () => done()))
    const killHard = () => {
      if (anvilPid !== undefined) tryKill(anvilPid)
      if (child.pid !== undefined) tryKill(child.pid)
    }
    process.once('exit', killHard)
    const fail = (error: BridgeError) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      void stopChild(child, exited, () => anvilPid).finally(() => process.removeListener('exit', killHard))
      reject(error)
    }
    const timer = setTimeout(
      () => fail(new BridgeError('ANVIL_START_TIMEOUT', 'anvil did not start listening in time', { kind: 'io', details: stderrText.trim() || stdoutTail.trim() })),
      options.startTimeoutMs ?? 20_000,
    )
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      stderrText = (stderrText + chunk).slice(-4000)
      const match = /anvil-pid (\d+)/.exec(stderrText)
      if (match && anvilPid === undefined) anvilPid = Number(match[1])
    })
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      if (settled) return // keep draining anvil's request log so it never blocks on a full pipe
      stdoutTail = (stdoutTail + chunk).slice(-4000)
      const match = /Listening on 127\.0\.0\.1:(\d+)/.exec(stdoutTail)
      if (!match || anvilPid === undefined) return
      settled = true
      clearTimeout(timer)
      const port = Number(match[1])
      const pid = anvilPid
      resolve({
        rpcUrl: `http://127.0.0.1:${port}`,
        port,
        chainId,
        accounts: devAccounts(),
        pid,
        stop: async () => {
          await stopChild(child, exited, () => pid)
          process.removeListener('exit', killHard)
        },
      })
    })
    child.once('close', (code) => {
      fail(new BridgeError('ANVIL_EXITED', `anvil exited before listening (code ${code})`, { kind: 'io', details: (stderrText.replace(/anvil-pid \d+\n?/, '') || stdoutTail).trim() }))
    })
    child.once('error', (cause) => fail(new BridgeError('ANVIL_SPAWN_FAILED', 'cannot start anvil', { kind: 'io', cause, details: cause.message })))
  })
}

/**
 * Closes the watchdog's stdin (it then kills anvil), waits for the watchdog and for anvil itself to be gone, and
 * SIGKILLs whatever is left after 5 s. Works also when a Ctrl-C already took the watchdog down.
 */
async function stopChild(child: ChildProcess, exited: Promise<void>, anvilPid: () => number | undefined): Promise<void> {
  child.stdin?.end()
  const deadline = Date.now() + 5_000
  if (child.exitCode === null && child.signalCode === null) {
    let timer: NodeJS.Timeout | undefined
    await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000)))])
    clearTimeout(timer)
  }
  const pid = anvilPid()
  while (pid !== undefined && isProcessAlive(pid) && Date.now() < deadline) await sleep(25)
  if (pid !== undefined && isProcessAlive(pid)) tryKill(pid)
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    tryKill(child.pid)
    await exited
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

/**
 * True while a process with this id exists (used by tests to prove anvil was stopped).
 * @example expect(isProcessAlive(anvil.pid)).toBe(false)
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
