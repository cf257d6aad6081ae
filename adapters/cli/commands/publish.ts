import { BridgeError } from '../../../src/errors.ts'
import { publish } from '../../../src/bridge/publish.ts'
import type { Hex } from '../../../src/ports.ts'
import { parseCommandArgs, requirePositional } from '../args.ts'
import { localStores } from '../bridge-context.ts'
import { readInputBytes } from '../input.ts'
import { loadKey } from '../keys.ts'
import { printJson } from '../output.ts'
import { evmRegistry, keySigner } from '../../evm/registry-port.ts'
import { ddcContentStore } from '../../ddc/ddc-content-store.ts'
import { registryAddress, rpcUrl } from '../connection.ts'

const HELP = `ccp-bridge publish <cert.json> --rpc URL --registry ADDR --operator-key K --agent-key K [--auditor-key K]
                  [--store DIR | --ddc-bucket ID --ddc-signer K [--ddc-network devnet|testnet|mainnet]] [--state FILE] [--json]
Stores the certificate (content-addressed), then anchors it on the registry; idempotent (a retry never anchors twice).
--auditor-key lets publish lock the stake the attestation claims when the auditor has not staked yet.
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
    'ddc-bucket': { type: 'string' },
    'ddc-signer': { type: 'string' },
    'ddc-network': { type: 'string' },
    replaces: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  }, `ccp-bridge ${command}`)
  if (values.help) {
    process.stdout.write(command === 'renew' ? HELP.replace('publish <cert.json>', 'renew <cert.json> --replaces <oldCertHash>') : HELP)
    return 0
  }
  const file = requirePositional(positionals, 0, 'the certificate file')
  const bytes = await readInputBytes(file)
  const operator = keySigner(await loadKey(values['operator-key'], 'operator-key'))
  const agent = keySigner(await loadKey(values['agent-key'], 'agent-key'))
  const auditors = await Promise.all((values['auditor-key'] ?? []).map(async (k) => keySigner(await loadKey(k, 'auditor-key'))))
  const local = localStores(values.store, values.state)
  const store = values['ddc-bucket']
    ? await ddcContentStore({ bucketId: values['ddc-bucket'], signer: await loadKey(values['ddc-signer'], 'ddc-signer'), network: (values['ddc-network'] ?? 'testnet') as 'devnet' | 'testnet' | 'mainnet' })
    : local.store
  const registry = await evmRegistry(rpcUrl(values.rpc), registryAddress(values.registry))
  const renews = command === 'renew' ? (requireHash(values.replaces, 'replaces') as Hex) : undefined
  const faults = process.env.CCP_BRIDGE_FAULT
  const result = await publish({
    bytes,
    store,
    registry,
    state: local.state,
    operator,
    agent,
    auditors,
    ...(renews ? { renews } : {}),
    afterStep: (step) => {
      // fault injection for the crash-recovery test: die right after the named step was recorded
      if (faults === `crash-after-${step}`) process.kill(process.pid, 'SIGKILL')
    },
  })
  if (values.json) printJson({ ...result, registry: registry.address, chainId: registry.chainId, ...(renews ? { replaces: renews } : {}) })
  else {
    process.stdout.write(
      [
        `${command === 'renew' ? 'renewed' : 'published'} ${result.certHash}`,
        `  stored       ${result.uri} (${store.description}, ${result.stored === 'written' ? 'written' : 'already present'})`,
        `  anchored     registry ${registry.address} on chain ${registry.chainId}${result.txHash ? `, tx ${result.txHash}` : ''}${result.alreadyAnchored ? ' (already anchored by an earlier attempt)' : ''}`,
        ...(renews ? [`  replaces     ${renews} (now EXPIRED)`] : []),
        '  checked      stored bytes re-hashed to the URI and the certHash; the registry record points to them',
        '',
      ].join('\n'),
    )
  }
  return 0
}

function requireHash(value: string | undefined, name: string): string {
  if (!value || !/^0x[0-9a-fA-F]{64}$/.test(value)) throw new BridgeError('BAD_ARGUMENTS', `--${name} expects a 32-byte 0x-hex certHash`)
  return value
}
