import { setTimeout as sleep } from 'node:timers/promises'
import { watchOnce, type WatchEvent } from '../../../src/bridge/watch.ts'
import { BridgeError } from '../../../src/errors.ts'
import { parseCommandArgs, parseInteger, parseNow } from '../args.ts'
import { localStores } from '../bridge-context.ts'
import { loadKey } from '../keys.ts'
import { jsonReplacer } from '../output.ts'
import { evmRegistry, keySigner } from '../../evm/registry-port.ts'
import { fileGrantSource } from '../../gar/file-grant-source.ts'
import { httpGrantSource } from '../../gar/http-grant-source.ts'
import { registryAddress, rpcUrl } from '../connection.ts'

const HELP = `ccp-bridge watch --rpc URL --registry ADDR --operator-key K (--gar URL | --grants PATH) [--store DIR] [--state FILE]
                [--interval SECONDS] [--rounds N] [--warn-days N] [--from-block N] [--now ISO] [--json]
Follows the registry (events) and GAR (polling): revokes this operator's certificates whose consent was revoked or
expired, reports certificates near expiry. The cursor and every decision live in the state file, so a restart
neither repeats nor misses an action. --rounds N stops after N rounds (default: run until interrupted).
`

/** `ccp-bridge watch`: see HELP. One line per event (JSON Lines with --json). */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, {
    rpc: { type: 'string' },
    registry: { type: 'string' },
    'from-block': { type: 'string' },
    'operator-key': { type: 'string' },
    gar: { type: 'string' },
    grants: { type: 'string', multiple: true },
    store: { type: 'string' },
    state: { type: 'string' },
    interval: { type: 'string' },
    rounds: { type: 'string' },
    'warn-days': { type: 'string' },
    now: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  }, 'ccp-bridge watch')
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  if (!values.gar && !values.grants) throw new BridgeError('BAD_ARGUMENTS', 'watch needs --gar <url> or --grants <path>')
  const operator = keySigner(await loadKey(values['operator-key'], 'operator-key'))
  const registry = await evmRegistry(rpcUrl(values.rpc), registryAddress(values.registry), { fromBlock: BigInt(parseInteger('from-block', values['from-block']) ?? 0) })
  const gar = values.gar ? httpGrantSource(values.gar) : fileGrantSource(values.grants!)
  const { store, state } = localStores(values.store, values.state)
  const rounds = parseInteger('rounds', values.rounds)
  const interval = (parseInteger('interval', values.interval) ?? 5) * 1000
  const warnDays = parseInteger('warn-days', values['warn-days']) ?? 7
  let stop = false
  const onSignal = () => (stop = true)
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  for (let round = 1; !stop; round++) {
    const events = await watchOnce({ registry, gar, store, state, operator }, { now: parseNow(values.now), warnDays })
    for (const event of events) process.stdout.write(values.json ? `${JSON.stringify(event, jsonReplacer)}\n` : `${describe(event)}\n`)
    if (rounds !== undefined && round >= rounds) break
    await sleep(interval)
  }
  process.removeListener('SIGINT', onSignal)
  process.removeListener('SIGTERM', onSignal)
  return 0
}

function describe(event: WatchEvent): string {
  switch (event.kind) {
    case 'tracked':
      return `tracking ${event.certHash} (agent ${event.agent})`
    case 'ended':
      return `${event.certHash} ended on chain (${event.how})`
    case 'revoked':
      return `REVOKED ${event.certHash}: ${event.reason}${event.txHash ? ` (tx ${event.txHash})` : ''}${event.note ? ` (${event.note})` : ''}`
    case 'expiring':
      return `expiring ${event.certHash} at ${event.expiresAt} (${event.daysLeft} days left): renew it`
    case 'warning':
      return `warning${event.certHash ? ` ${event.certHash}` : ''}: ${event.message}`
  }
}
