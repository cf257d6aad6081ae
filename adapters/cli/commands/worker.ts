import { queueUrl } from '../../queue/queue-url.ts'
import { redactUrl, type SqlDatabase } from '../../sql/database.ts'
import { defaultWorkerCount } from '../../workers/pool.ts'
import { parseCommandArgs, parseInteger } from '../args.ts'
import { writeErr } from '../output.ts'

const USAGE = `Usage: ccp-bridge worker [--queue URL] [--workers N] [--jobs K]

Takes batches of \`trail verify --queue\` runs (and cluster-era jobs of \`reconcile --queue\`) from the job queue in
PostgreSQL, verifies each batch with N verification threads and stores its result for the coordinator. Run any number
of these, on any number of machines, against one database; every machine must see the trail files at the paths the
coordinator resolved (a shared or replicated folder). Stops on Ctrl-C or SIGTERM after the batches in progress.
A batch taken by a worker that dies is retried by another once its lease expires.

--queue URL   the PostgreSQL database (default: $DATABASE_URL)
--workers N   verification threads (default: every core, at most one per core)
--jobs K      batches read at once (default N, one per thread; the next batch is taken while the last
              verifications of one run, so the threads never wait between batches)
`

/**
 * `ccp-bridge worker --queue URL`: a queue worker process (see adapters/queue/worker-loop.ts).
 * @example await run(['--queue', 'postgres://postgres@127.0.0.1/bridge', '--workers', '1'])
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    { queue: { type: 'string' }, workers: { type: 'string' }, jobs: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    'ccp-bridge worker',
    [],
  )
  if (values.help) {
    process.stdout.write(USAGE)
    return 0
  }
  const url = queueUrl(values.queue)
  const threads = parseInteger('workers', values.workers, { min: 1, max: Number.MAX_SAFE_INTEGER }) ?? defaultWorkerCount()
  const jobs = parseInteger('jobs', values.jobs, { min: 1, max: 1000 })
  const stop = new AbortController()
  const onSignal = () => stop.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const { runQueueWorker } = await import('../../queue/worker-loop.ts')
  // the Cere client (@polkadot/api) is loaded only when a cluster-era job arrives
  let eraJobs: Promise<typeof import('../../queue/era-jobs.ts')> | undefined
  const reconcileEraJob = async (data: unknown, db: SqlDatabase) => (await (eraJobs ??= import('../../queue/era-jobs.ts'))).reconcileEraJob(data, db)
  const log = (line: string) => writeErr(`${line}\n`)
  const onReady = (n: number) => log(`worker ${process.pid}: taking batches from ${redactUrl(url)} with ${n} verification thread(s)`)
  try {
    const totals = await runQueueWorker({ url, threads, ...(jobs !== undefined ? { jobs } : {}), eraJob: reconcileEraJob, log, onReady, signal: stop.signal })
    log(`worker ${process.pid}: stopped after ${totals.batches} batch(es), ${totals.records.toLocaleString('en')} records`)
    return 0
  } finally {
    if (eraJobs) await (await eraJobs).closeEraConnections()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
