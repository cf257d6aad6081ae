import { BridgeError } from '../../../src/errors.ts'
import { parseCertificate, publish, type PublishResult } from '../../../src/bridge/publish.ts'
import { describeAmount } from '../../../src/bridge/reserve.ts'
import type { ContentStore, Hex } from '../../../src/ports.ts'
import { INTEGER_BOUNDS, parseCommandArgs, parseInteger, parseTime, requirePositional } from '../args.ts'
import { localStores } from '../bridge-context.ts'
import { LIMITS } from '../../../src/limits.ts'
import { readInputBytes } from '../input.ts'
import { loadKey } from '../keys.ts'
import { printJson, writeOut } from '../output.ts'
import { evmRegistry, keySigner } from '../../evm/registry-port.ts'
import { ddcContentStore, ddcTarget } from '../../ddc/ddc-content-store.ts'
import { registryAddress, rpcUrl } from '../connection.ts'

const HELP = `ccp-bridge publish <cert.json> --rpc URL --registry ADDR --operator-key K --agent-key K [--auditor-key K]...
                  [--store DIR | --ddc-bucket ID --ddc-signer K [--ddc-network devnet|testnet|mainnet] [--ddc-timeout S]]
                  [--no-fund] [--now ISO] [--state FILE] [--json]
Validates the certificate (every rule, against the registry's chain and the clock: the chain's, or --now), makes sure
its reserve and its auditors' stakes are on chain, anchors it, and only then stores the document, so a public store never
shows a document before its anchor is mined; re-reads both before reporting. Idempotent: a retry never anchors twice.
The reserve the certificate declares is deposited from the operator's tokens when the vault holds less (--no-fund: refuse
instead); --auditor-key lets publish bond and stake for an auditor that has not staked yet.
`

/** `ccp-bridge publish` (and `renew` through `runPublish`). */
export async function run(args: string[]): Promise<number> {
  return runPublish(args, 'publish')
}

export async function runPublish(args: string[], command: 'publish' | 'renew'): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    rpc: { type: 'string' },
    registry: { type: 'string' },
    'operator-key': { type: 'string' },
    'agent-key': { type: 'string' },
    'auditor-key': { type: 'string', multiple: true },
    store: { type: 'string' },
    state: { type: 'string' },
    'data-dir': { type: 'string' },
    'ddc-bucket': { type: 'string' },
    'ddc-signer': { type: 'string' },
    'ddc-network': { type: 'string' },
    'ddc-timeout': { type: 'string' },
    'no-fund': { type: 'boolean' },
    now: { type: 'string' },
    replaces: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  }, `ccp-bridge ${command}`, ['cert.json'])
  if (values.help) {
    process.stdout.write(command === 'renew' ? HELP.replace('publish <cert.json>', 'renew <cert.json> --replaces <oldCertHash>') : HELP)
    return 0
  }
  const file = requirePositional(positionals, 0, 'the certificate file')
  if (values['ddc-bucket'] !== undefined && values.store !== undefined) {
    throw new BridgeError('BAD_ARGUMENTS', `ccp-bridge ${command}: --store and --ddc-bucket name two different stores; give one`)
  }
  if (values['ddc-bucket'] === undefined) {
    for (const flag of ['ddc-signer', 'ddc-network', 'ddc-timeout'] as const) {
      if (values[flag] !== undefined) throw new BridgeError('BAD_ARGUMENTS', `ccp-bridge ${command}: --${flag} needs --ddc-bucket`)
    }
  }
  const ddc = values['ddc-bucket'] !== undefined ? ddcTarget({ bucketId: values['ddc-bucket'], network: values['ddc-network'] }) : undefined
  const ddcTimeout = parseInteger('ddc-timeout', values['ddc-timeout'], INTEGER_BOUNDS.seconds)
  const renews = command === 'renew' ? (requireHash(values.replaces, 'replaces') as Hex) : undefined
  if (command === 'publish' && values.replaces !== undefined) throw new BridgeError('BAD_ARGUMENTS', 'ccp-bridge publish: --replaces is for renew')
  const fixedNow = parseTime('now', values.now)
  const bytes = await readInputBytes(file, LIMITS.certificate)
  parseCertificate(bytes, file) // empty, not JSON or not a certificate: refused here, naming the file, before any connection
  const operator = keySigner(await loadKey(values['operator-key'], 'operator-key'))
  const agent = keySigner(await loadKey(values['agent-key'], 'agent-key'))
  const auditors = await Promise.all((values['auditor-key'] ?? []).map(async (k) => keySigner(await loadKey(k, 'auditor-key'))))
  const ddcSigner = ddc ? await loadKey(values['ddc-signer'], 'ddc-signer') : undefined
  const registry = await evmRegistry(rpcUrl(values.rpc), registryAddress(values.registry))
  const local = localStores(values.store, values.state, values['data-dir'])
  const store: ContentStore = ddc
    ? await ddcContentStore({ bucketId: ddc.bucketId, network: ddc.network, signer: ddcSigner!, ...(ddcTimeout !== undefined ? { connectTimeoutMs: ddcTimeout * 1000 } : {}) })
    : local.store
  const now = fixedNow ?? new Date((await registry.chainTime()) * 1000)
  const faults = process.env.CCP_BRIDGE_FAULT
  const result = await publish({
    bytes,
    store,
    registry,
    state: local.state,
    operator,
    agent,
    auditors,
    now,
    ...(values['no-fund'] ? { fundReserve: false } : {}),
    ...(renews ? { renews } : {}),
    afterStep: (step) => {
      // fault injection for the crash-recovery test: die right after the named step was recorded
      if (faults === `crash-after-${step}`) process.kill(process.pid, 'SIGKILL')
    },
  })
  if (values.json) printJson({ ...result, registry: registry.address, chainId: registry.chainId, store: store.description })
  else writeOut(describe(command, result, registry, store, (await registry.deployment()).stakeToken))
  return 0
}

function describe(command: 'publish' | 'renew', result: PublishResult, registry: { address: string; chainId: number }, store: ContentStore, stakeToken: { symbol: string; decimals: number }): string {
  const r = result.reserve
  const lines = [
    `${command === 'renew' ? 'renewed' : 'published'} ${result.certHash}`,
    `  reserve      ${describeAmount(r.amount, r)} locked in the vault (the class needs ${describeAmount(r.required, r)})${r.fundedNow > 0n ? `, ${describeAmount(r.fundedNow, r)} deposited now` : ''}`,
    ...result.stakes.map((s) => `  stake        auditor ${s.auditor}: ${describeAmount(s.staked, stakeToken)} locked${s.stakedNow > 0n ? ` (${describeAmount(s.stakedNow, stakeToken)} staked now)` : ''}`),
    `  anchored     registry ${registry.address} on chain ${registry.chainId}${result.txHash ? `, tx ${result.txHash}` : ''}${result.alreadyAnchored ? ' (already anchored by an earlier attempt)' : ''}`,
    `  stored       ${result.uri} (${store.description}, ${result.stored === 'written' ? 'written after the anchor was mined' : 'already present'})`,
    ...(result.replaced ? [`  replaces     ${result.replaced.certHash} (now ${result.replaced.status})`] : []),
    '  checked      stored bytes re-hashed to the URI and the certHash; the registry record points to them',
    '',
  ]
  return lines.join('\n')
}

function requireHash(value: string | undefined, name: string): string {
  if (!value || !/^0x[0-9a-fA-F]{64}$/.test(value)) throw new BridgeError('BAD_ARGUMENTS', `--${name} expects a 32-byte 0x-hex certHash`)
  return value
}
