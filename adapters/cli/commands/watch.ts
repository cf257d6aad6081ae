import { runWatcher } from '../../../src/bridge/run-watcher.ts'
import { DEFAULT_RETRY, failureText, withRetries, type RetryNotice, type RetryPolicy } from '../../../src/bridge/retry.ts'
import type { WatchEvent } from '../../../src/bridge/watch.ts'
import { DEFAULT_CONFIRMATIONS, DEFAULT_MAX_RANGE, defaultConfirmations } from '../../../src/bridge/watch-scan.ts'
import { BridgeError } from '../../../src/errors.ts'
import { INTEGER_BOUNDS, parseCommandArgs, parseInteger, parseTime } from '../args.ts'
import { localStores } from '../bridge-context.ts'
import { cliDatabase } from '../database.ts'
import { loadKey } from '../keys.ts'
import { jsonReplacer, printable, writeErr, writeOut } from '../output.ts'
import { evmRegistry, keySigner } from '../../evm/registry-port.ts'
import { fileGrantSource } from '../../gar/file-grant-source.ts'
import { httpGrantSource } from '../../gar/http-grant-source.ts'
import { sqlRegistryIndex, watcherHead } from '../../sql/certificates.ts'
import { systemClock } from '../../system/clock.ts'
import { registryAddress, rpcUrl } from '../connection.ts'

const HELP = `ccp-bridge watch --rpc URL --registry ADDR [--operator-key K (--gar URL | --grants PATH)] [--follow | --rounds N]
                [--confirmations N] [--max-range N] [--from-block N] [--interval SECONDS] [--warn-days N]
                [--retries N] [--retry-delay MS] [--retry-max-delay MS] [--data-dir DIR] [--store DIR] [--state FILE]
                [--now ISO] [--json]
Follows the registry (events) and, with an operator key, GAR (polling): revokes this operator's certificates whose
consent was revoked or expired, and reports certificates near expiry. Without --operator-key it is read-only: it keeps
the registry index (every certificate and its status, for \`serve\`) and never sends a transaction.
  --follow               run as a daemon until SIGINT or SIGTERM (the default without --rounds)
  --rounds N             stop after N rounds; exit 2 when a round could not check everything (GAR or the node down)
  --confirmations N      act only on events at least N blocks deep (default 0 on a local chain id 31337/1337, else ${DEFAULT_CONFIRMATIONS})
  --max-range N          the most blocks one eth_getLogs call asks for (default ${DEFAULT_MAX_RANGE}; halved when the node refuses)
  --from-block N         where the first scan starts (the registry's deployment block; default 0)
  --interval SECONDS     the wait between rounds (default 5)
  --retries N            retries of a failing RPC or GAR call within a round (default ${DEFAULT_RETRY.retries}), after
  --retry-delay MS       a first wait of MS (default ${DEFAULT_RETRY.baseMs}), doubled each time with jitter, up to
  --retry-max-delay MS   (default ${DEFAULT_RETRY.maxMs}); every retry is reported on stderr
The cursor, every decision and the index live in the state database (DATABASE_URL, else <data dir>/db), so a restart
neither repeats nor misses an action.
`

/**
 * `ccp-bridge watch`: see HELP. One line per event on stdout (JSON Lines with --json, where an error that ends the
 * command is one more line, `{"error": {...}}`, so the stream stays JSON Lines); retries on stderr.
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArguments(args)
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  try {
    return await watch(values)
  } catch (error) {
    if (!values.json) throw error
    const body = error instanceof BridgeError ? error.toJSON() : { code: 'INTERNAL', message: failureText(error) }
    process.stdout.write(`${JSON.stringify({ error: body }, jsonReplacer)}\n`)
    return error instanceof BridgeError && error.kind === 'check' ? 1 : 2
  }
}

function parseArguments(args: string[]) {
  return parseCommandArgs(args, {
    rpc: { type: 'string' },
    registry: { type: 'string' },
    'from-block': { type: 'string' },
    'operator-key': { type: 'string' },
    gar: { type: 'string' },
    grants: { type: 'string', multiple: true },
    store: { type: 'string' },
    state: { type: 'string' },
    'data-dir': { type: 'string' },
    follow: { type: 'boolean' },
    interval: { type: 'string' },
    rounds: { type: 'string' },
    confirmations: { type: 'string' },
    'max-range': { type: 'string' },
    retries: { type: 'string' },
    'retry-delay': { type: 'string' },
    'retry-max-delay': { type: 'string' },
    'warn-days': { type: 'string' },
    now: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  }, 'ccp-bridge watch', [])
}

async function watch(values: ReturnType<typeof parseArguments>['values']): Promise<number> {
  // every option is checked before anything is opened or contacted
  const readOnly = values['operator-key'] === undefined
  if (values.gar !== undefined && values.grants !== undefined) {
    throw new BridgeError('BAD_ARGUMENTS', 'watch takes --gar URL or --grants PATH, not both', { details: 'the consent behind each certificate is checked in one place: the GAR service, or grant files' })
  }
  if (readOnly && (values.gar !== undefined || values.grants !== undefined)) {
    throw new BridgeError('BAD_ARGUMENTS', `${values.gar !== undefined ? '--gar' : '--grants'} needs --operator-key`, { details: 'without an operator key the watcher is read-only: it indexes the registry and never revokes, so it polls no GAR' })
  }
  if (!readOnly && values.gar === undefined && values.grants === undefined) {
    throw new BridgeError('BAD_ARGUMENTS', 'watch --operator-key needs --gar URL or --grants PATH', { details: 'where the consent behind each certificate is checked; leave out --operator-key for a read-only watcher' })
  }
  if (values.follow && values.rounds !== undefined) throw new BridgeError('BAD_ARGUMENTS', 'watch takes --follow (a daemon) or --rounds N (a script), not both')
  const rounds = parseInteger('rounds', values.rounds, { min: 1, max: Number.MAX_SAFE_INTEGER })
  const follow = rounds === undefined
  const fromBlock = BigInt(parseInteger('from-block', values['from-block'], INTEGER_BOUNDS.block) ?? 0)
  const intervalMs = (parseInteger('interval', values.interval, INTEGER_BOUNDS.seconds) ?? 5) * 1000
  const warnDays = parseInteger('warn-days', values['warn-days']) ?? 7
  const givenConfirmations = parseInteger('confirmations', values.confirmations, { min: 0, max: 100_000 })
  const maxRange = parseInteger('max-range', values['max-range'], { min: 1, max: 1_000_000 }) ?? DEFAULT_MAX_RANGE
  const retry: RetryPolicy = {
    retries: parseInteger('retries', values.retries, { min: 0, max: 1000 }) ?? DEFAULT_RETRY.retries,
    baseMs: parseInteger('retry-delay', values['retry-delay'], { min: 1, max: 2 ** 31 - 1 }) ?? DEFAULT_RETRY.baseMs,
    maxMs: parseInteger('retry-max-delay', values['retry-max-delay'], { min: 1, max: 2 ** 31 - 1 }) ?? DEFAULT_RETRY.maxMs,
  }
  if (retry.maxMs < retry.baseMs) throw new BridgeError('BAD_ARGUMENTS', `--retry-max-delay (${retry.maxMs} ms) must be at least --retry-delay (${retry.baseMs} ms)`)
  const fixedNow = parseTime('now', values.now)
  const rpc = rpcUrl(values.rpc)
  const address = registryAddress(values.registry)
  const operator = readOnly ? undefined : keySigner(await loadKey(values['operator-key'], 'operator-key'))
  const gar = values.gar !== undefined ? httpGrantSource(values.gar) : values.grants !== undefined ? fileGrantSource(values.grants) : undefined

  const json = values.json === true
  const controller = new AbortController()
  let signals = 0
  const onSignal = (name: NodeJS.Signals) => {
    signals++
    if (signals > 1) {
      writeErr(`${name} again: stopping now\n`)
      process.exit(130)
    }
    writeErr(`${name}: stopping after the step in progress (again to stop at once)\n`)
    controller.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    const log = printer(json, readOnly)
    // a daemon waits for its node and database to come up; a script gives up after its retries
    const startPolicy = follow ? { ...retry, retries: Number.POSITIVE_INFINITY } : retry
    const starting = { policy: startPolicy, clock: systemClock, signal: controller.signal, onRetry: (notice: RetryNotice) => log({ kind: 'retry', ...notice }) }
    const registry = await withRetries(`connect to the EVM node at ${rpc}`, () => evmRegistry(rpc, address, { fromBlock }), starting)
    const { store, state, dataDir } = localStores(values.store, values.state, values['data-dir'])
    const db = await withRetries('open the state database', () => cliDatabase({ dataDir, legacyStateFile: values.state }), starting)
    const confirmations = givenConfirmations ?? defaultConfirmations(registry.chainId)
    if (follow) {
      writeErr(`watching registry ${registry.address} on chain ${registry.chainId}${readOnly ? ' (read-only)' : ` for operator ${operator!.address}`}: ${confirmations} confirmations, ranges of ${maxRange} blocks, every ${intervalMs / 1000} s; ${db.description}\n`)
    }
    const fault = process.env.CCP_BRIDGE_FAULT
    const result = await runWatcher(
      { registry, store, state, index: sqlRegistryIndex(db), ...(operator ? { operator } : {}), ...(gar ? { gar } : {}) },
      {
        clock: systemClock,
        signal: controller.signal,
        intervalMs,
        ...(rounds !== undefined ? { rounds } : {}),
        ...(fixedNow ? { now: () => fixedNow } : {}),
        log,
        stopOnError: !follow,
        confirmations,
        maxRange,
        fromBlock,
        retry,
        warnDays,
        afterStep: (step) => {
          // fault injection for the crash-recovery tests: die right after the named step
          if (fault === `crash-after-${step}`) process.kill(process.pid, 'SIGKILL')
        },
      },
    )
    if (result.stoppedBy === 'error') {
      const [first] = result.errors
      throw new BridgeError('WATCH_INCOMPLETE', `watch could not check everything: ${first?.message ?? 'a round failed'}`, {
        kind: 'io',
        ...(result.errors.length > 1 ? { details: `${result.errors.length - 1} more problem(s) reported above` } : {}),
      })
    }
    if (follow) {
      const head = await watcherHead(db).catch(() => undefined)
      writeErr(`stopped after ${result.rounds} round(s)${head ? `; the index is at block ${head.block}` : ''}\n`)
    }
    return 0
  } finally {
    process.removeListener('SIGINT', onSignal)
    process.removeListener('SIGTERM', onSignal)
  }
}

/**
 * How the command prints events: retries on stderr; errors on stderr (in JSON with --json, on stdout); index changes
 * only when read-only (the operator's watcher reports what concerns the operator); everything else on stdout.
 */
function printer(json: boolean, readOnly: boolean): (event: WatchEvent) => void {
  return (event) => {
    if (event.kind === 'retry') {
      writeErr(`retrying in ${event.delayMs < 1000 ? `${event.delayMs} ms` : `${(event.delayMs / 1000).toFixed(1)} s`} (attempt ${event.attempt}${Number.isFinite(event.attempts) ? ` of ${event.attempts}` : ''}): ${printable(event.what)}: ${printable(event.message)}\n`)
      return
    }
    if (event.kind === 'indexed' && !readOnly) return
    if (json) process.stdout.write(`${JSON.stringify(event, jsonReplacer)}\n`)
    else if (event.kind === 'error') writeErr(`${describe(event)}\n`)
    else writeOut(`${describe(event)}\n`)
  }
}

function describe(event: Exclude<WatchEvent, { kind: 'retry' }>): string {
  switch (event.kind) {
    case 'tracked':
      return `tracking ${event.certHash} (agent ${event.agent})`
    case 'ended':
      return `${event.certHash} ended on chain (${event.how})`
    case 'revoked':
      return `REVOKED ${event.certHash}: ${printable(event.reason)}${event.txHash ? ` (tx ${event.txHash})` : ''}${event.note ? ` (${printable(event.note)})` : ''}`
    case 'expiring':
      return `expiring ${event.certHash} at ${event.expiresAt} (${event.daysLeft} days left): renew it`
    case 'warning':
      return `warning${event.certHash ? ` ${event.certHash}` : ''}: ${printable(event.message)}`
    case 'indexed':
      return `${event.change} ${event.certHash} (agent ${event.agent}) at block ${event.block}${event.status ? `: ${event.status}` : ''}`
    case 'reorg':
      return `reorg: ${printable(event.message)}`
    case 'error':
      return `could not check${event.certHash ? ` ${event.certHash}` : ''}: ${printable(event.message)} (${event.code})`
  }
}
