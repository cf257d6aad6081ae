/**
 * Runs every example of README.md and docs/*.md and writes what each command prints under it, so the documentation
 * never shows output the commands do not print today. `npm run readme` rewrites the files; `npm run readme -- --check`
 * changes nothing and exits 1 listing the blocks whose output differs (test/e2e/readme.test.ts runs it). Name files
 * to run only those: `npm run readme -- docs/settlement.md`.
 *
 * The examples of a file are its ```console blocks, run in order in ONE bash session (exports, `cd` and files carry
 * over) in a fresh working folder that looks like a clone: a copy of fixtures/, and links to this checkout's
 * node_modules, package.json, bin, dist and sources. `ccp-bridge` and `npx ccp-bridge` run this checkout's bin, so
 * `npx ccp-bridge`, `npx tsx` and `npm start` work as in a clone. Each file gets its own session, one after the other.
 * A `$ ` line is a command (a trailing `\` continues it on the next line); the lines after it, up to the next `$ `, are
 * its output, rewritten; a non-zero exit adds `(exit N)`. An HTML comment right before a block tunes it:
 *   <!-- example background ready="Ctrl-C to stop" -->  the block's commands keep running (a devnet, a server), as in a
 *                                                       terminal of their own with the session's exported variables: the
 *                                                       output up to the line matching `ready` is shown; they are stopped
 *                                                       (SIGINT, as Ctrl-C) when every example of the file has run
 *   <!-- example head=12 -->                             show the first 12 lines of each command's output, then `…`
 *   <!-- example skip -->                                not run (say why in the text)
 *   <!-- example needs=postgres -->                      run only when the PostgreSQL at postgres://postgres@127.0.0.1:5432
 *                                                       answers and createdb/dropdb are installed; else left as it is
 *   <!-- example vary=tx -->                             transaction hashes change from run to run (`npm start`'s chain):
 *                                                       each distinct one is shown as a fixed hash
 * Commands that must run but are not worth showing go in a comment of their own, with the same options:
 *   <!-- example setup                                   run here, in order; the output is not shown, a failure stops
 *   $ command                                            the run
 *   -->
 *   <!-- example cleanup                                 run after everything else (background commands stopped),
 *   $ command                                            even when an example failed
 *   -->
 *   (`<!-- example setup background ready="…"` starts what a page only needs running, such as a devnet, unseen.)
 * Output is the command's, with what changes on every run replaced by fixed text (see `normalizers`): the working
 * folder, temporary folders, process ids, durations (retry waits with jitter included), ports the system picks,
 * wall-clock times, generated API keys and report ids. Everything else (transaction hashes, block numbers, chain times) is made deterministic by the examples
 * themselves (fixed `--port`, `--genesis-time`, `--now`).
 * @example node --import tsx docs/examples.ts --check
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const projectDir = fileURLToPath(new URL('../', import.meta.url))
/** What the working folder links to in the checkout (everything a clone has, except fixtures/, which is copied). */
const LINKED = ['node_modules', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'bin', 'dist', 'src', 'adapters', 'test', 'bench']
/** The PostgreSQL the `needs=postgres` examples use (the CI machine's, as in the README). */
const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres'

type Options = Record<string, string | true>
type Block = { kind: 'console' | 'setup' | 'cleanup'; start: number; end: number; options: Options; lines: string[] }
type Command = { text: string; output: string[] }

function parseOptions(text: string): Options {
  const options: Options = {}
  for (const m of text.matchAll(/([\w-]+)(?:=("[^"]*"|\S+))?/g)) options[m[1]!] = m[2] === undefined ? true : m[2].replace(/^"|"$/g, '')
  return options
}

/**
 * The ```console blocks of a markdown file, with the options of an `<!-- example … -->` comment right before each, and
 * the hidden `<!-- example setup|cleanup … -->` blocks. `start`/`end` delimit a console block's body (lines replaced).
 * @example findBlocks(readFileSync('README.md', 'utf8').split('\n'))
 */
export function findBlocks(lines: string[]): Block[] {
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const hidden = /^<!-- example (setup|cleanup)\b(.*)$/.exec(lines[i]!)
    if (hidden) {
      let end = i + 1
      while (end < lines.length && lines[end] !== '-->') end++
      blocks.push({ kind: hidden[1] as 'setup' | 'cleanup', start: i + 1, end, options: parseOptions(hidden[2]!), lines: lines.slice(i + 1, end) })
      i = end
      continue
    }
    if (lines[i] !== '```console') continue
    let end = i + 1
    while (end < lines.length && lines[end] !== '```') end++
    const comment = /^<!-- example (.*) -->$/.exec(i > 0 ? lines[i - 1]! : '')
    blocks.push({ kind: 'console', start: i + 1, end, options: comment ? parseOptions(comment[1]!) : {}, lines: lines.slice(i + 1, end) })
    i = end
  }
  return blocks
}

/**
 * The commands of a block: `$ ` lines (a trailing `\` continues a command on the next line) and their output.
 * @example parseCommands(['$ echo a \\', '  b', 'a b']) // [{ text: 'echo a \\\n  b', output: ['a b'] }]
 */
export function parseCommands(lines: string[]): Command[] {
  const commands: Command[] = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.startsWith('$ ')) {
      let text = line.slice(2)
      while (text.endsWith('\\') && i + 1 < lines.length) text = `${text}\n${lines[++i]!}`
      commands.push({ text, output: [] })
    } else commands.at(-1)?.output.push(line)
  }
  return commands
}

/**
 * What changes from run to run, and the fixed text shown instead (applied to output only). Values that are random but
 * referred to again (API keys, report ids) are renamed consistently: the n-th distinct value seen gets the n-th
 * replacement, in the same shape.
 */
function normalizers(workDir: string, startedAt: number): (text: string, options?: Options) => string {
  const renamed = new Map<string, string>()
  const counters = new Map<string, number>()
  const rename = (kind: string, value: string, shape: (digest: string) => string): string => {
    const key = `${kind}:${value}`
    if (!renamed.has(key)) {
      const n = (counters.get(kind) ?? 0) + 1
      counters.set(kind, n)
      renamed.set(key, shape(createHash('sha256').update(`ccp-bridge examples ${kind} ${n}`).digest('hex')))
    }
    return renamed.get(key)!
  }
  const base64url = (hex: string, length: number) => Buffer.from(hex + hex, 'hex').toString('base64url').slice(0, length)
  const uuid = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
  const wallClock = (iso: string) => Math.abs(Date.parse(iso) - startedAt) < 2 * 86_400_000 && !iso.endsWith('T00:00:00.000Z')
  const steps: Array<(text: string) => string> = [
    // HTTP headers (`curl -D -`) end in CR LF; a markdown file keeps LF only
    (t) => t.replace(/\r$/gm, ''),
    (t) => t.split(workDir).join('.'),
    (t) => t.replace(/\/tmp\/ccp-bridge-([a-z]+)-[A-Za-z0-9]{6}/g, '/tmp/ccp-bridge-$1-XXXXXX'),
    (t) => t.replace(/\bpid \d+/g, 'pid 4242').replace(/\bworker \d+:/g, 'worker 4242:').replace(/\bby process \d+/g, 'by process 4242'),
    (t) =>
      t
        .replace(/\bdone in \d+(\.\d+)? s\b/g, 'done in 9.9 s')
        .replace(/\b\d+(\.\d+)? ms\b(?= elapsed)/g, '99 ms')
        .replace(/\bretrying in \d+(\.\d+)? (ms|s)\b/g, 'retrying in 99 $2'),
    // ports the system picks (Linux's ephemeral range); the examples' own ports (8545, 8080, …) stay as they are
    (t) => t.replace(/\b(127\.0\.0\.1|localhost):(3[2-9]\d{3}|[45]\d{4}|6[0-5]\d{3})\b/g, '$1:45678'),
    // wall-clock times (logs, createdAt): the chain's and --now times of the examples are far from the day they run
    (t) => t.replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\b/g, (iso) => (wallClock(iso) ? '2026-12-01T12:00:00.000Z' : iso)),
    (t) => t.replace(/^(date: ).*GMT$/gim, '$1Tue, 01 Dec 2026 12:00:00 GMT'),
    (t) => t.replace(/("uptimeSeconds":\s*)\d+/g, (_m, key: string) => `${key}2`),
    // API keys: ccpb_<16 hex id>_<43 base64url secret>; the id alone appears in lists and reports
    (t) =>
      t.replace(/\bccpb_([0-9a-f]{16})_([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/g, (_m, id: string, secret: string) => {
        const fakeId = rename('key-id', id, (h) => h.slice(0, 16))
        return `ccpb_${fakeId}_${rename('key-secret', secret, (h) => base64url(h, 43))}`
      }),
    // …and key ids alone: `keys list` lines, `API key <id>`, `"id"`/`"keyId"` of a key or an upload
    (t) => {
      for (const m of t.matchAll(/^([0-9a-f]{16})(?=  )|\bAPI key ([0-9a-f]{16})\b|"(?:id|keyId)":\s*"([0-9a-f]{16})"/gm)) rename('key-id', (m[1] ?? m[2] ?? m[3])!, (h) => h.slice(0, 16))
      return [...renamed.entries()].filter(([key]) => key.startsWith('key-id:')).reduce((text, [key, fake]) => text.split(key.slice(7)).join(fake), t)
    },
    // stored trail reports: random UUIDs
    (t) => t.replace(/(\/v1\/trails\/|"id":\s*")([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})/g, (_m, before: string, id: string) => `${before}${rename('uuid', id, uuid)}`),
    (t) => [...renamed.entries()].filter(([key]) => key.startsWith('uuid:')).reduce((text, [key, fake]) => text.split(key.slice(5)).join(fake), t),
  ]
  return (text, options = {}) => {
    let out = steps.reduce((t, step) => step(t), text)
    if (options.vary === 'tx') out = out.replace(/\b(tx )(0x[0-9a-f]{64})\b/g, (_m, before: string, hash: string) => `${before}${rename('tx', hash, (h) => `0x${h}`)}`)
    return out
  }
}

/** One bash that runs the commands in order, so exports, `cd` and files carry over from one example to the next. */
class Session {
  private readonly bash: ChildProcess
  private buffer = ''
  private waiting: ((chunk: string) => void) | undefined
  private readonly background: number[] = []
  private counter = 0

  constructor(
    private readonly workDir: string,
    private readonly logDir: string,
    env: NodeJS.ProcessEnv,
  ) {
    this.bash = spawn('bash', ['--noprofile', '--norc'], { cwd: workDir, env, stdio: ['pipe', 'pipe', 'pipe'] })
    this.bash.stdout!.setEncoding('utf8')
    this.bash.stdout!.on('data', (chunk: string) => {
      this.buffer += chunk
      this.waiting?.(this.buffer)
    })
    this.bash.stderr!.on('data', (chunk) => process.stderr.write(chunk))
  }

  /** Runs one command; its stdout and stderr together, as a terminal shows them, and its exit code. */
  async run(command: string, timeoutMs = 300_000): Promise<{ output: string; code: number }> {
    const marker = `__example_${process.pid}_${this.counter++}__`
    this.buffer = ''
    const done = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`example timed out after ${timeoutMs} ms: ${command}`)), timeoutMs)
      this.waiting = (text) => {
        if (new RegExp(`${marker}(\\d+)__\\n`).test(text)) {
          clearTimeout(timer)
          this.waiting = undefined
          resolve(text)
        }
      }
    })
    this.bash.stdin!.write(`{ ${command}\n} </dev/null 2>&1; printf '\\n${marker}%s__\\n' "$?"\n`)
    const text = await done
    const match = new RegExp(`\\n?${marker}(\\d+)__\\n`).exec(text)!
    return { output: text.slice(0, match.index), code: Number(match[1]) }
  }

  /**
   * Starts a long-running command (a devnet, a server) as a terminal of its own would: in its own process group, in
   * the session's folder with its exported variables. Returns its output up to the line matching `ready`.
   */
  async start(command: string, ready: RegExp, timeoutMs = 180_000): Promise<string> {
    const log = join(this.logDir, `background-${this.counter}.log`)
    const script = join(this.logDir, `background-${this.counter}.sh`)
    writeFileSync(script, `${command}\n`)
    const { output } = await this.run(`setsid bash --noprofile --norc ${JSON.stringify(script)} >${JSON.stringify(log)} 2>&1 </dev/null & echo "$!"`)
    const pid = Number(output.trim())
    this.background.push(pid)
    const started = Date.now()
    for (;;) {
      const text = existsSync(log) ? readFileSync(log, 'utf8') : ''
      const lines = text.split('\n')
      const at = lines.findIndex((line, i) => (i < lines.length - 1 || text.endsWith('\n')) && ready.test(line))
      if (at >= 0) return lines.slice(0, at + 1).join('\n')
      if (!alive(pid)) throw new Error(`background example exited before it printed ${ready}: ${command}\n${text}`)
      if (Date.now() - started > timeoutMs) throw new Error(`background example did not print ${ready} within ${timeoutMs} ms: ${command}\n${text}`)
      await sleep(100)
    }
  }

  /** Stops the background commands (SIGINT to each process group, as Ctrl-C; SIGKILL after 15 s). */
  async stopBackground(): Promise<void> {
    for (const pid of this.background.splice(0).reverse()) {
      signal(-pid, 'SIGINT')
      for (let waited = 0; waited < 15_000 && alive(pid); waited += 100) await sleep(100)
      signal(-pid, 'SIGKILL')
    }
  }

  async close(): Promise<void> {
    await this.stopBackground()
    this.bash.stdin!.end('exit\n')
    if (this.bash.exitCode === null) await new Promise((resolve) => this.bash.once('exit', resolve))
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim().startsWith('Z') === false
  } catch {
    return false
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch {}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A folder with `ccp-bridge` and `npx` that run this checkout's bin and tsx directly (no npx lookup, no network). */
function shims(dir: string): string {
  const bin = join(dir, 'bin')
  mkdirSync(bin, { recursive: true })
  const cli = join(projectDir, 'bin', 'ccp-bridge.mjs')
  const tsx = join(projectDir, 'node_modules', '.bin', 'tsx')
  const realPath = (process.env.PATH ?? '').split(delimiter).filter((p) => p !== bin).join(delimiter)
  writeFileSync(join(bin, 'ccp-bridge'), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`)
  writeFileSync(
    join(bin, 'npx'),
    [
      '#!/bin/sh',
      `if [ "$1" = ccp-bridge ]; then shift; exec "${process.execPath}" "${cli}" "$@"; fi`,
      `if [ "$1" = tsx ]; then shift; exec "${tsx}" "$@"; fi`,
      `PATH="${realPath}" exec npx "$@"`,
      '',
    ].join('\n'),
  )
  chmodSync(join(bin, 'ccp-bridge'), 0o755)
  chmodSync(join(bin, 'npx'), 0o755)
  return bin
}

/** Whether the PostgreSQL of the `needs=postgres` examples answers, with the client tools they use. */
function postgresAvailable(): boolean {
  const tools = spawnSync('bash', ['-c', 'command -v createdb && command -v dropdb && command -v psql'], { encoding: 'utf8' })
  if (tools.status !== 0) return false
  const ping = spawnSync('psql', [POSTGRES_URL, '-tAc', 'select 1'], { encoding: 'utf8', timeout: 10_000, env: { ...process.env, PGCONNECT_TIMEOUT: '5' } })
  return ping.status === 0 && ping.stdout.trim() === '1'
}

/**
 * Runs the examples of `markdown` and returns it with every output rewritten.
 * @example const fresh = await runExamples(readFileSync('README.md', 'utf8'))
 */
export async function runExamples(markdown: string, log: (line: string) => void = () => undefined): Promise<string> {
  const lines = markdown.split('\n')
  const blocks = findBlocks(lines)
  if (!blocks.some((b) => b.kind === 'console' || b.kind === 'setup')) return markdown
  const root = mkdtempSync(join(tmpdir(), 'ccp-bridge-examples-'))
  const workDir = join(root, 'work')
  mkdirSync(workDir)
  cpSync(join(projectDir, 'fixtures'), join(workDir, 'fixtures'), { recursive: true })
  for (const name of LINKED) if (existsSync(join(projectDir, name))) symlinkSync(join(projectDir, name), join(workDir, name))
  const env: NodeJS.ProcessEnv = {
    PATH: `${shims(root)}${delimiter}${process.env.PATH}`,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
    TZ: 'UTC',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  }
  let postgres: boolean | undefined
  const session = new Session(workDir, root, env)
  const normalize = normalizers(workDir, Date.now())
  const replacements: Array<{ start: number; end: number; lines: string[] }> = []
  const runHidden = async (block: Block) => {
    for (const command of parseCommands(block.lines)) {
      log(`(${block.kind}) $ ${command.text.split('\n')[0]}`)
      if (block.options.background) {
        await session.start(command.text, new RegExp(String(block.options.ready ?? '.')))
        continue
      }
      const { output, code } = await session.run(command.text)
      if (code !== 0) throw new Error(`${block.kind} command at line ${block.start + 1} exited ${code}: ${command.text}\n${output}`)
    }
  }
  const wanted = (block: Block) => {
    if (block.options.skip) return false
    if (block.options.needs === 'postgres') {
      postgres ??= postgresAvailable()
      if (!postgres) log(`(not run: no PostgreSQL at ${POSTGRES_URL}, or no createdb/dropdb/psql) line ${block.start}`)
      return postgres
    }
    return true
  }
  try {
    for (const block of blocks) {
      if (block.kind === 'cleanup' || !wanted(block)) continue
      if (block.kind === 'setup') {
        await runHidden(block)
        continue
      }
      const out: string[] = []
      for (const command of parseCommands(block.lines)) {
        log(`$ ${command.text.split('\n')[0]}`)
        out.push(...command.text.split('\n').map((line, i) => (i === 0 ? `$ ${line}` : line)))
        let output: string
        let code = 0
        if (block.options.background) output = await session.start(command.text, new RegExp(String(block.options.ready ?? '.')))
        else ({ output, code } = await session.run(command.text))
        let shown = normalize(output, block.options).replace(/\s+$/, '').split('\n')
        if (shown.length === 1 && shown[0] === '') shown = []
        const head = Number(block.options.head)
        if (head > 0 && shown.length > head) shown = [...shown.slice(0, head), '…']
        out.push(...shown)
        if (code !== 0) out.push(`(exit ${code})`)
        // a blank line after a command that printed something; commands that print nothing stay together
        if (shown.length > 0 || code !== 0) out.push('')
      }
      while (out.at(-1) === '') out.pop()
      replacements.push({ start: block.start, end: block.end, lines: out })
    }
  } finally {
    await session.stopBackground()
    for (const block of blocks) {
      if (block.kind !== 'cleanup' || !wanted(block)) continue
      await runHidden(block).catch((error: Error) => log(`cleanup failed: ${error.message}`))
    }
    await session.close()
    rmSync(root, { recursive: true, force: true })
  }
  for (const { start, end, lines: fresh } of replacements.reverse()) lines.splice(start, end - start, ...fresh)
  return lines.join('\n')
}

/** README.md and every docs/*.md, in that order. */
function documentedFiles(): string[] {
  const docs = readdirSync(join(projectDir, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join(projectDir, 'docs', name))
  return [join(projectDir, 'README.md'), ...docs]
}

/** The blocks whose text differs, each with the first lines that differ. */
function differences(before: string, after: string): string[] {
  const a = before.split('\n')
  const b = after.split('\n')
  const found: string[] = []
  const blocksA = findBlocks(a).filter((x) => x.kind === 'console')
  const blocksB = findBlocks(b).filter((x) => x.kind === 'console')
  for (let i = 0; i < blocksA.length; i++) {
    const old = blocksA[i]!.lines
    const now = blocksB[i]?.lines ?? []
    if (old.join('\n') === now.join('\n')) continue
    const at = old.findIndex((line, k) => line !== now[k])
    const from = at < 0 ? old.length : at
    const command = [...old.slice(0, from + 1)].reverse().find((line) => line.startsWith('$ ')) ?? '(block start)'
    found.push(
      [
        `block at line ${blocksA[i]!.start}, first difference at line ${blocksA[i]!.start + from + 1}, in the output of: ${command}`,
        ...old.slice(from, from + 6).map((line) => `  shown:  ${line}`),
        ...now.slice(from, from + 6).map((line) => `  prints: ${line}`),
      ].join('\n'),
    )
  }
  return found
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const check = args.includes('--check')
  const named = args.filter((arg) => !arg.startsWith('--'))
  const files = named.length > 0 ? named.map((file) => join(process.cwd(), file)) : documentedFiles()
  let failed = false
  for (const file of files) {
    const name = relative(projectDir, file)
    const before = readFileSync(file, 'utf8')
    const started = performance.now()
    let after: string
    try {
      after = await runExamples(before, (line) => process.stderr.write(`${name}: ${line}\n`))
    } catch (error) {
      process.stdout.write(`${name}: the examples could not run: ${(error as Error).message}\n`)
      failed = true
      continue
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    if (after === before) {
      process.stdout.write(`${name}: every example prints what it shows (${seconds} s)\n`)
      continue
    }
    if (!check) {
      writeFileSync(file, after)
      process.stdout.write(`${name}: examples rewritten with what the commands print (${seconds} s)\n`)
      continue
    }
    failed = true
    process.stdout.write(`${name}: examples differ from what the commands print (run \`npm run readme\` and review the diff)\n${differences(before, after).join('\n')}\n`)
  }
  if (failed) process.exitCode = 1
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main()
