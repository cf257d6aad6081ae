import { certify } from '../../../src/bridge/certify.ts'
import { BridgeError } from '../../../src/errors.ts'
import { parseCommandArgs, parseNow } from '../args.ts'
import { localStores, readConfig, readKeys, readTrail } from '../bridge-context.ts'
import { loadKey } from '../keys.ts'
import { printable, printJson, writeOut } from '../output.ts'
import { writeOutputFile } from '../../files/write-output.ts'
import { keySigner } from '../../evm/registry-port.ts'
import { fileGrantSource } from '../../gar/file-grant-source.ts'
import { httpGrantSource } from '../../gar/http-grant-source.ts'
import { evmAddress, registryAddress } from '../connection.ts'

const HELP = `ccp-bridge certify --grants <path> | --gar <url>  --trail <path>... --keys <file> --config <file>
                  --auditor-key <key> --registry <addr> [--staking <addr>] [--store DIR] [--out file] [--now ISO] [--json]
Builds a CCP v0.2.0 certificate from the agent's GAR grants, its activity trail and the operator's containment config,
and signs the bridge's ACTIVITY_TRAIL_VERIFICATION attestation. Exit 0 certified, 1 refused (with reasons), 2 bad input.
`

/** `ccp-bridge certify`: see HELP. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, {
    grants: { type: 'string', multiple: true },
    gar: { type: 'string' },
    trail: { type: 'string', multiple: true },
    keys: { type: 'string' },
    config: { type: 'string' },
    'auditor-key': { type: 'string' },
    registry: { type: 'string' },
    staking: { type: 'string' },
    store: { type: 'string' },
    state: { type: 'string' },
    'data-dir': { type: 'string' },
    out: { type: 'string' },
    now: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  }, 'ccp-bridge certify', [])
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  if (!values.grants && !values.gar) throw new BridgeError('BAD_ARGUMENTS', 'certify needs --grants <path> or --gar <url>')
  if (!values.trail) throw new BridgeError('BAD_ARGUMENTS', 'certify needs --trail <path>')
  if (!values.keys) throw new BridgeError('BAD_ARGUMENTS', 'certify needs --keys <file> (the agent role keys)')
  if (!values.config) throw new BridgeError('BAD_ARGUMENTS', 'certify needs --config <file>')
  const now = parseNow(values.now)
  const config = await readConfig(values.config)
  const registry = registryAddress(values.registry)
  const auditor = keySigner(await loadKey(values['auditor-key'], 'auditor-key'))
  const gar = values.gar ? httpGrantSource(values.gar) : fileGrantSource(values.grants!)
  const grants = await gar.agreements(`0x${config.agent_service_pub_key.replace(/^ed25519:(0x)?/, '')}`)
  const { store } = localStores(values.store, values.state, values['data-dir'])
  const result = await certify({
    config,
    grants,
    trail: await readTrail(values.trail),
    keys: await readKeys(values.keys),
    now,
    registry: { chainId: config.identity.chain_id, address: registry },
    ...(values.staking ? { stakeContract: evmAddress(values.staking, '--staking') } : {}),
    auditor,
    store,
  })
  if (!result.certified) {
    if (values.json) printJson({ certified: false, refusals: result.refusals })
    else {
      writeOut(`refused: the agent cannot be certified (${result.refusals.length} reason${result.refusals.length === 1 ? '' : 's'})\n`)
      for (const r of result.refusals) writeOut(`  - [${r.code}] ${printable(r.message)}\n`)
    }
    return 1
  }
  const text = `${JSON.stringify(result.certificate, null, 2)}\n`
  if (values.out) await writeOutputFile(values.out, text)
  if (values.json) {
    printJson({ certified: true, certHash: result.certHash, reportUri: result.reportUri, grants: result.grantHashes, ...(values.out ? { out: values.out } : { certificate: result.certificate }) })
    return 0
  }
  if (!values.out) {
    process.stdout.write(text)
    return 0
  }
  const c = result.certificate
  const r = result.report
  writeOut(
    [
      `certified ${printable(c.identity.agent_name ?? c.identity.agent_id)} as ${c.derived_metrics.certificate_class}`,
      `  certHash     ${result.certHash}`,
      `  agent        ${c.identity.agent_id}   operator ${c.identity.operator_id}`,
      `  validity     ${c.validity.issued_at} → ${c.validity.expires_at}`,
      `  consent      ${result.grantHashes.length} active grant(s): ${result.grantHashes.join(', ')}`,
      `  trail        ${r.records} records, ${r.validSignatures}/${r.signatures} signatures valid, ${r.outOfScope} out of scope, ${r.batches.filter((b) => b.matches).length}/${r.batches.length} batch root(s) match, rounds ${r.rounds.map((x) => `${x.agreeing}/${x.assigned} PASS`).join(', ')}`,
      `  bound        ${c.derived_metrics.containment_bound} ${c.derived_metrics.containment_bound_denomination}, reserve ${c.reserve.reserve_ratio}×`,
      `  report       ${result.reportUri}`,
      `  written      ${values.out}`,
      '',
    ].join('\n'),
  )
  return 0
}
