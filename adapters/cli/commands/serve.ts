import { readFileSync } from 'node:fs'
import { DEFAULT_RETRY } from '../../../src/bridge/retry.ts'
import { DEFAULT_MAX_RANGE } from '../../../src/bridge/watch-scan.ts'
import { BridgeError } from '../../../src/errors.ts'
import { MiB } from '../../../src/limits.ts'
import type { RiskPolicy } from '../../../src/schema/policy.ts'
import { fileGrantSource } from '../../gar/file-grant-source.ts'
import { httpGrantSource } from '../../gar/http-grant-source.ts'
import { routeConsole } from '../../http/console-log.ts'
import { createLogger } from '../../http/log.ts'
import { DEFAULT_LIMITS, startService } from '../../http/service.ts'
import { INTEGER_BOUNDS, parseCommandArgs, parseInteger, parseTime } from '../args.ts'
import { readPolicy } from '../bridge-context.ts'
import { evmAddress } from '../connection.ts'
import { DEFAULT_DATA_DIR } from '../database.ts'
import { loadKey } from '../keys.ts'
import { writeErr } from '../output.ts'
import { parseClusterId, parseEra } from './events.ts'

const HELP = `ccp-bridge serve [--host H] [--port N] [--data-dir DIR] [--store DIR]
                 [--rpc URL --registry ADDR [--from-block N] [--confirmations N] [--max-range N] [--interval S]
                  [--operator-key K (--gar URL | --grants PATH)] [--warn-days N]]
                 [--ws URL --cluster 0x… [--cluster 0x…]... [--from-era N] [--era-window N]]
                 [--policy FILE] [--now ISO] [--renew-days N]
                 [--max-upload MIB] [--max-uploads N] [--workers N] [--rate-limit N] [--cors ORIGIN]...
                 [--sse-heartbeat S] [--access-log] [--json]
The service a marketplace deploys: the HTTP API (decisions, certificates, trail verification, eras, live events,
/health, /metrics, /openapi.json, /docs) and the web page at /, with the watcher running beside it.
  --host H, --port N     where to listen (default 127.0.0.1:8080; 0: any free port)
  --data-dir DIR         the embedded database (<dir>/db) and the content store (<dir>/store); default ${DEFAULT_DATA_DIR}.
                         DATABASE_URL=postgres://… puts the state in PostgreSQL instead (several processes may share it)
  --rpc, --registry      the registry to follow and answer decisions from ($ETH_RPC_URL, $CCP_REGISTRY); without them
                         decisions and certificates answer 503 and no watcher runs
  --operator-key K       the watcher revokes this operator's certificates whose consent ended (GAR at --gar URL, or
                         --grants files); without it the watcher is read-only (it indexes the registry)
  --confirmations N      act on registry events at least N blocks deep (default 0 on chain 31337/1337, else 12)
  --max-range N          the most blocks one eth_getLogs asks for (default ${DEFAULT_MAX_RANGE}); --interval S between rounds (default 5)
  --ws URL, --cluster    the era follower: reconcile each era of these clusters (20-byte ids) as its ClusterEraPaid is
                         finalized on the Cere node (--ws falls back to $CERE_WS_URL), store it and stream its verdict;
                         --from-era N also reconciles the eras from N already paid, --era-window N blocks are read back
  --policy FILE          the risk policy decisions are judged by (a request's minClass and maxLoss go over it)
  --now ISO              fixes the clock (demos on a devnet whose genesis time is fixed)
  --renew-days N         a certificate's renewal is due N days before its expiry (default 7)
  --max-upload MIB       the largest trail upload (default ${DEFAULT_LIMITS.uploadBytes / MiB}); --max-uploads N verified at once (default ${DEFAULT_LIMITS.concurrentUploads})
  --workers N            threads verifying uploads (default every core)
  --rate-limit N         requests a minute per client address (default off); --cors ORIGIN allows a browser origin (default off)
  --sse-heartbeat S      seconds between /v1/events heartbeats (default ${DEFAULT_LIMITS.heartbeatSeconds})
  --access-log           one log line per request; --json logs as JSON lines
Runs until SIGINT or SIGTERM (again to stop at once). Logs go to stderr, never with a key or a stack.
`

/** `ccp-bridge serve`: see HELP. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      store: { type: 'string' },
      rpc: { type: 'string' },
      registry: { type: 'string' },
      'from-block': { type: 'string' },
      confirmations: { type: 'string' },
      'max-range': { type: 'string' },
      interval: { type: 'string' },
      'operator-key': { type: 'string' },
      gar: { type: 'string' },
      grants: { type: 'string', multiple: true },
      'warn-days': { type: 'string' },
      ws: { type: 'string' },
      cluster: { type: 'string', multiple: true },
      'from-era': { type: 'string' },
      'era-window': { type: 'string' },
      policy: { type: 'string' },
      now: { type: 'string' },
      'renew-days': { type: 'string' },
      'max-upload': { type: 'string' },
      'max-uploads': { type: 'string' },
      workers: { type: 'string' },
      'rate-limit': { type: 'string' },
      cors: { type: 'string', multiple: true },
      'sse-heartbeat': { type: 'string' },
      'access-log': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    'ccp-bridge serve',
    [],
  )
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  // every option is checked before anything is opened or contacted
  const port = parseInteger('port', values.port, INTEGER_BOUNDS.port) ?? 8080
  // an empty variable counts as unset
  const rpc = values.rpc ?? (process.env.ETH_RPC_URL || undefined)
  const registryText = values.registry ?? (process.env.CCP_REGISTRY || undefined)
  if ((rpc === undefined) !== (registryText === undefined)) {
    throw new BridgeError('BAD_ARGUMENTS', rpc === undefined ? '--registry needs --rpc URL (or ETH_RPC_URL)' : '--rpc needs --registry ADDR (or CCP_REGISTRY)', { details: 'both name the registry the service follows; leave both out to serve without one' })
  }
  const registry = registryText === undefined ? undefined : evmAddress(registryText, '--registry')
  if (values.gar !== undefined && values.grants !== undefined) throw new BridgeError('BAD_ARGUMENTS', 'serve takes --gar URL or --grants PATH, not both')
  if (values['operator-key'] !== undefined && values.gar === undefined && values.grants === undefined) throw new BridgeError('BAD_ARGUMENTS', '--operator-key needs --gar URL or --grants PATH (where the consent behind each certificate is checked)')
  if (values['operator-key'] === undefined && (values.gar !== undefined || values.grants !== undefined)) throw new BridgeError('BAD_ARGUMENTS', `${values.gar !== undefined ? '--gar' : '--grants'} needs --operator-key (without it the watcher is read-only)`)
  if (values['operator-key'] !== undefined && !registry) throw new BridgeError('BAD_ARGUMENTS', '--operator-key needs --rpc and --registry (the registry the watcher follows)')
  const fixedNow = parseTime('now', values.now)
  const clusters = (values.cluster ?? []).map((text) => parseClusterId(text)!)
  const wsUrl = values.ws ?? (clusters.length ? process.env.CERE_WS_URL || undefined : undefined)
  if (values.ws !== undefined && clusters.length === 0) throw new BridgeError('BAD_ARGUMENTS', '--ws needs --cluster 0x… (the clusters whose eras are followed)')
  if (clusters.length && !wsUrl) throw new BridgeError('BAD_ARGUMENTS', '--cluster needs --ws URL (or CERE_WS_URL): the Cere node to follow')
  if (wsUrl !== undefined && !/^wss?:\/\//.test(wsUrl)) throw new BridgeError('BAD_ARGUMENTS', `--ws expects a ws:// or wss:// URL, got ${JSON.stringify(wsUrl)}`)
  const fromEra = parseEra(values['from-era'])
  const eraWindow = parseInteger('era-window', values['era-window'], { min: 1, max: 1_000_000 })
  if ((fromEra !== undefined || eraWindow !== undefined) && clusters.length === 0) throw new BridgeError('BAD_ARGUMENTS', '--from-era and --era-window need --ws and --cluster')
  const limits = {
    uploadBytes: (parseInteger('max-upload', values['max-upload'], { min: 1, max: 64 * 1024 }) ?? DEFAULT_LIMITS.uploadBytes / MiB) * MiB,
    concurrentUploads: parseInteger('max-uploads', values['max-uploads'], { min: 1, max: 1000 }) ?? DEFAULT_LIMITS.concurrentUploads,
    heartbeatSeconds: parseInteger('sse-heartbeat', values['sse-heartbeat'], { min: 1, max: 3600 }) ?? DEFAULT_LIMITS.heartbeatSeconds,
    rateLimitPerMinute: parseInteger('rate-limit', values['rate-limit'], { min: 1, max: 1_000_000 }) ?? 0,
  }
  const corsOrigins = (values.cors ?? []).map((origin) => {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) throw new BridgeError('BAD_ARGUMENTS', `--cors expects an origin such as https://app.example.com, got ${JSON.stringify(origin)}`)
    return origin
  })
  const watcher = {
    intervalMs: (parseInteger('interval', values.interval, { min: 1, max: INTEGER_BOUNDS.seconds.max }) ?? 5) * 1000,
    confirmations: parseInteger('confirmations', values.confirmations, { min: 0, max: 100_000 }),
    maxRange: parseInteger('max-range', values['max-range'], { min: 1, max: 1_000_000 }),
    warnDays: parseInteger('warn-days', values['warn-days']) ?? 7,
    retry: DEFAULT_RETRY,
  }
  const renewDays = parseInteger('renew-days', values['renew-days'], { min: 0, max: 3650 }) ?? 7
  const workers = parseInteger('workers', values.workers, { min: 1, max: 1024 })
  const fromBlock = parseInteger('from-block', values['from-block'], INTEGER_BOUNDS.block)
  const policy: RiskPolicy = values.policy ? await readPolicy(values.policy) : {}
  const operator = values['operator-key'] !== undefined ? (await import('../../evm/registry-port.ts')).keySigner(await loadKey(values['operator-key'], 'operator-key')) : undefined
  const gar = values.gar !== undefined ? httpGrantSource(values.gar) : values.grants !== undefined ? fileGrantSource(values.grants) : undefined

  const log = createLogger({ json: values.json === true })
  // libraries that print (the Cere SDK reports a lost node with a stack) go through the log, one line each
  const restoreConsole = routeConsole(log)
  try {
    const service = await startService({
      version: packageVersion(),
      host: values.host ?? '127.0.0.1',
      port,
      dataDir: values['data-dir'] ?? DEFAULT_DATA_DIR,
      databaseUrl: process.env.DATABASE_URL || undefined,
      storeDir: values.store,
      rpcUrl: rpc,
      registry,
      ...(fromBlock !== undefined ? { fromBlock: BigInt(fromBlock) } : {}),
      operator,
      gar,
      watcher,
      eras: wsUrl && clusters.length ? { wsUrl, clusters, fromEra, window: eraWindow } : undefined,
      policy,
      now: fixedNow,
      renewDays,
      limits,
      corsOrigins,
      accessLog: values['access-log'] === true,
      ...(workers !== undefined ? { workers } : {}),
      log,
    })
    log.log('info', 'serve', `listening on ${service.url} (the page at ${service.url}/, the API reference at ${service.url}/docs); ${service.context.db.description}`)
    if (!registry) log.log('info', 'serve', 'no registry configured (--rpc, --registry): decisions and certificates answer 503, no watcher runs')
    await untilSignal(log)
    await service.stop()
    log.log('info', 'serve', 'stopped')
    return 0
  } finally {
    restoreConsole()
  }
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once (130). */
function untilSignal(log: ReturnType<typeof createLogger>): Promise<void> {
  return new Promise<void>((resolve) => {
    let signals = 0
    const onSignal = (name: NodeJS.Signals) => {
      if (++signals > 1) {
        writeErr(`${name} again: stopping now\n`)
        process.exit(130)
      }
      log.log('info', 'serve', `${name}: stopping (the loops finish their step in progress; again to stop at once)`)
      resolve()
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
}

/** The package's version (package.json is three folders up from source, four from dist/). */
function packageVersion(): string {
  for (const path of ['../../../package.json', '../../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'cere-ccp-bridge' && pkg.version) return pkg.version
    } catch {
      // not at this depth
    }
  }
  return '0.0.0'
}
