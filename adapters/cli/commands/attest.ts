import { attest } from '../../../src/bridge/attest.ts'
import { BridgeError } from '../../../src/errors.ts'
import type { Hex } from '../../../src/ports.ts'
import { writeOutputFile } from '../../files/write-output.ts'
import { parseCommandArgs, requirePositional } from '../args.ts'
import { printJson, writeOut } from '../output.ts'
import { amountText, CHAIN_OPTIONS, connectRegistry, readCertificateFile, signerFrom } from './chain-context.ts'

const HELP = `ccp-bridge attest <cert.json> --auditor-key K [--request ID] [--out FILE] --rpc URL --registry ADDR [--json]

Stage 5: the auditor signs its attestation of the certificate (EIP-712 Attest over its certHash, agent, operator, class,
expiry, bound, scope and stake, for this registry), bonds what registration and the stake need, and locks the stake its
attestation claims (filed under keccak256(certHash)). With --request, it accepts the operator's escrowed audit fee for
this certificate. The signed certificate is written back to the file (or to --out).
`

/**
 * `ccp-bridge attest`: an auditor signs and stakes.
 * @example ccp-bridge attest cert.json --auditor-key auditor.key --request 0x… --json
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...CHAIN_OPTIONS, 'auditor-key': { type: 'string' }, request: { type: 'string' }, out: { type: 'string' } },
    'ccp-bridge attest',
    ['cert.json'],
  )
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  const file = requirePositional(positionals, 0, 'the certificate file')
  if (values.request !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(values.request)) throw new BridgeError('BAD_ARGUMENTS', '--request expects an audit request id (0x + 64 hex digits)')
  const { certificate } = await readCertificateFile(file)
  const auditor = await signerFrom(values['auditor-key'], 'auditor-key')
  const registry = await connectRegistry(values)
  const result = await attest({ certificate, registry, auditor, ...(values.request ? { requestId: values.request.toLowerCase() as Hex } : {}) })
  const out = values.out ?? file
  if (result.signed) await writeOutputFile(out, `${JSON.stringify(result.certificate, null, 2)}\n`)
  const { stakeToken } = await registry.deployment()
  if (values.json) {
    printJson({ certHash: result.certHash, auditor: auditor.address, index: result.index, signed: result.signed, written: result.signed ? out : null, stake: result.stake, bond: result.bond, accepted: result.accepted ?? null })
    return 0
  }
  writeOut(
    [
      `attested ${result.certHash} as ${auditor.address}`,
      `  signature    ${result.signed ? `signed (attestations[${result.index}]), written to ${out}` : `attestations[${result.index}] already carries this auditor's valid signature`}`,
      `  stake        ${amountText(result.stake.staked, stakeToken)} locked for it${result.stake.stakedNow > 0n ? ` (${amountText(result.stake.stakedNow, stakeToken)} now)` : ''}`,
      `  bond         ${amountText(result.bond.free, stakeToken)} free, ${amountText(result.bond.locked, stakeToken)} locked, ${result.bond.registered ? 'registered' : 'NOT registered'}`,
      ...(result.accepted ? [`  fee          audit request ${result.accepted} accepted for this certificate`] : []),
      '',
    ].join('\n'),
  )
  return 0
}
