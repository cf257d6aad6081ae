import { BridgeError } from '../../src/errors.ts'
import { closeCliDatabases } from './database.ts'
import { printError } from './output.ts'

/** A command module: takes its arguments (after the command words) and returns the exit code. */
export type CommandModule = { run(args: string[]): Promise<number> }

/** Every command word and the module that runs it (loaded lazily so `ccp-bridge cert …` never loads the chain SDKs). */
const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  cert: { summary: 'cert validate|derive|hash <file>: check a CCP certificate', load: () => import('./commands/cert.ts') },
  grant: { summary: 'grant verify <file>: check a GAR consent grant', load: () => import('./commands/grant.ts') },
  trail: { summary: 'trail verify <file>...: verify DDC/SCP activity records and audit a trail', load: () => import('./commands/trail.ts') },
  certify: { summary: 'certify: build a certificate from grants, a trail and a containment config', load: () => import('./commands/certify.ts') },
  publish: { summary: 'publish <cert.json>: store and anchor a certificate', load: () => import('./commands/publish.ts') },
  'verify-agent': { summary: "verify-agent <agent>: a counterparty's check of an agent's certificate", load: () => import('./commands/verify-agent.ts') },
  revoke: { summary: 'revoke <certHash>: revoke a certificate (operator)', load: () => import('./commands/revoke.ts') },
  renew: { summary: 'renew <cert.json>: publish a successor certificate', load: () => import('./commands/renew.ts') },
  watch: { summary: 'watch: revoke certificates whose consent ends; report expiries', load: () => import('./commands/watch.ts') },
  reserve: { summary: 'reserve fund|status|withdraw: the operator\'s reserve in the vault (stage 2)', load: () => import('./commands/reserve.ts') },
  audit: { summary: 'audit request: escrow the audit fee naming the auditor (stage 3)', load: () => import('./commands/audit.ts') },
  attest: { summary: 'attest <cert.json>: the auditor signs and stakes (stage 5)', load: () => import('./commands/attest.ts') },
  challenge: { summary: 'challenge open|verdict|resolve|status: challenge a certificate', load: () => import('./commands/challenge.ts') },
  settle: { summary: 'settle <certHash>: release stakes, fees and reserve after grace (stage 12)', load: () => import('./commands/settle.ts') },
  lifecycle: { summary: "lifecycle <certHash>: a certificate's state, money, challenges and settlement", load: () => import('./commands/lifecycle.ts') },
  devnet: { summary: 'devnet: start anvil with the registry deployed', load: () => import('./commands/devnet.ts') },
  registry: { summary: 'registry deploy|status|active: the on-chain registry', load: () => import('./commands/registry.ts') },
  reconcile: { summary: 'reconcile: check an era\'s payouts against attested usage', load: () => import('./commands/reconcile.ts') },
  events: { summary: 'events export: write an era\'s payout events as JSON Lines', load: () => import('./commands/events.ts') },
  worker: { summary: 'worker --queue URL: verify queued trail batches and reconcile queued eras (any number of machines)', load: () => import('./commands/worker.ts') },
  eras: { summary: 'eras follow: reconcile each era as its ClusterEraPaid lands, into the state database', load: () => import('./commands/eras.ts') },
  demo: { summary: 'demo: the whole story on a local chain (what `npm start` runs)', load: () => import('./commands/demo.ts') },
  serve: { summary: 'serve: the HTTP API, the web page and the watcher, as a service', load: () => import('./commands/serve.ts') },
  keys: { summary: 'keys create|list|revoke: API keys of the service', load: () => import('./commands/keys.ts') },
}

/**
 * Runs `ccp-bridge <command> …` and returns the exit code (0 good, 1 checked and bad, 2 could not check).
 * @example process.exitCode = await main(['cert', 'validate', 'cert.json'])
 */
export async function main(argv: string[]): Promise<number> {
  const [word, ...rest] = argv
  if (word === undefined || word === '--help' || word === '-h' || word === 'help') {
    process.stdout.write(usage())
    return word === undefined ? 2 : 0
  }
  if (word === '--version') {
    process.stdout.write('0.1.0\n')
    return 0
  }
  const entry = commands[word]
  if (!entry) {
    printError(new BridgeError('UNKNOWN_COMMAND', `unknown command ${JSON.stringify(word)}`, { details: 'run `ccp-bridge --help` for the list' }), rest.includes('--json'))
    return 2
  }
  try {
    const module = await entry.load()
    return await module.run(rest)
  } catch (error) {
    printError(error, rest.includes('--json'))
    return error instanceof BridgeError && error.kind === 'check' ? 1 : 2
  } finally {
    await closeCliDatabases()
  }
}

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length))
  const lines = Object.entries(commands).map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary.replace(/^[^:]*: /, '')}`)
  return `ccp-bridge: Cere proof trail → CCP certificates\n\nUsage: ccp-bridge <command> [options]   (--json for machine output)\n\n${lines.join('\n')}\n`
}
