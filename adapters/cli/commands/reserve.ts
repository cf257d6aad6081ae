import { fundReserve, reserveStatus, type ReserveView } from '../../../src/bridge/reserve.ts'
import { certificateHash } from '../../../src/certificate/hash.ts'
import { BridgeError } from '../../../src/errors.ts'
import { parseCommandArgs } from '../args.ts'
import { evmAddress } from '../connection.ts'
import { printJson, writeOut } from '../output.ts'
import { amountText, certHashArgument, CHAIN_OPTIONS, connectRegistry, isoTime, readCertificateFile, signerFrom } from './chain-context.ts'

const HELP = `ccp-bridge reserve <fund|status|withdraw> [options]

  reserve fund <cert.json> --operator-key K [--amount X] --rpc URL --registry ADDR [--json]
      deposits the certificate's reserve in the vault (stage 2), in the exogenous token of its denomination: by default
      what it declares (at least bound × class ratio) minus what is there; the deposit is filed under keccak256(certHash)
  reserve status <cert.json> [--operator ADDR] --rpc URL --registry ADDR [--json]
      the reserve against what the certificate declares and its class requires, and whether it is locked;
      exit 0 when it covers both, 1 when it falls short
  reserve withdraw <certHash> --operator-key K --rpc URL --registry ADDR [--json]
      takes a reserve back while nothing locks it: never anchored, anchored by another operator (a squat), or settled
`

/**
 * `ccp-bridge reserve fund|status|withdraw`: the operator's reserve in the ReserveVault (seed 004 stage 2).
 * @example ccp-bridge reserve fund cert.json --operator-key operator.key --json
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...CHAIN_OPTIONS, 'operator-key': { type: 'string' }, operator: { type: 'string' }, amount: { type: 'string' } },
    'ccp-bridge reserve',
    { fund: ['cert.json'], status: ['cert.json'], withdraw: ['certHash'] },
  )
  const [sub, target] = positionals
  if (values.help || sub === undefined) {
    process.stdout.write(HELP)
    return values.help ? 0 : 2
  }
  if (sub === 'withdraw') {
    const certHash = certHashArgument(target)
    const operator = await signerFrom(values['operator-key'], 'operator-key')
    const registry = await connectRegistry(values)
    const before = await registry.reserveOf(certHash, operator.address)
    if (before.token === null) throw new BridgeError('NOTHING_RESERVED', `operator ${operator.address} has no reserve for ${certHash}`, { kind: 'check' })
    const txHash = await registry.withdrawReserve(operator, certHash)
    if (values.json) printJson({ certHash, operator: operator.address, token: before.token, withdrawn: before.backing, txHash })
    else writeOut(`withdrew ${amountText(before.backing, before)} reserved for ${certHash} (tx ${txHash})\n`)
    return 0
  }
  if (sub !== 'fund' && sub !== 'status') throw new BridgeError('BAD_ARGUMENTS', `unknown reserve command ${JSON.stringify(sub)}`, { details: 'expected fund, status or withdraw' })
  if (target === undefined) throw new BridgeError('BAD_ARGUMENTS', `missing the certificate file (ccp-bridge reserve ${sub} <cert.json>)`)
  const { certificate } = await readCertificateFile(target)
  const registry = await connectRegistry(values)
  if (sub === 'fund') {
    const operator = await signerFrom(values['operator-key'], 'operator-key')
    const result = await fundReserve({ certificate, registry, operator, ...(values.amount !== undefined ? { amount: values.amount } : {}) })
    if (values.json) printJson(result)
    else writeOut(`${result.fundedNow > 0n ? `deposited ${amountText(result.fundedNow, result)}` : 'nothing to deposit'} for ${result.certHash}${result.txHash ? ` (tx ${result.txHash})` : ''}\n${describe(result)}`)
    return 0
  }
  const operator = values.operator !== undefined ? evmAddress(values.operator, '--operator') : evmAddress(certificate.identity.operator_id, 'identity.operator_id')
  const view = await reserveStatus({ certificate, registry, operator })
  const covered = view.exogenous && view.backing >= view.required && view.backing >= view.declared
  if (values.json) printJson({ ...view, covered })
  else writeOut(`reserve of ${certificateHash(certificate)}: ${covered ? 'COVERED' : 'SHORT'}\n${describe(view)}`)
  return covered ? 0 : 1
}

function describe(view: ReserveView): string {
  const lock = view.settled ? 'released at settlement' : view.anchored ? `locked until settlement${view.graceEndsAt ? ` (grace ends ${isoTime(view.graceEndsAt)})` : ' (after termination plus grace)'}` : 'not anchored yet: the operator can still withdraw it'
  return [
    `  operator     ${view.operator}`,
    `  vault holds  ${amountText(view.deposited, view)}${view.backing < view.deposited ? ` (backed: ${amountText(view.backing, view)})` : ''}${view.token ? ` in ${view.token}${view.exogenous ? '' : ' (NOT exogenous)'}` : ''}`,
    `  declared     ${amountText(view.declared, view)}`,
    `  class needs  ${amountText(view.required, view)}`,
    `  lock         ${lock}`,
    '',
  ].join('\n')
}
