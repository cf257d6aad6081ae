import { requestAudit } from '../../../src/bridge/audit-request.ts'
import { BridgeError } from '../../../src/errors.ts'
import { parseCommandArgs } from '../args.ts'
import { evmAddress } from '../connection.ts'
import { printJson, writeOut } from '../output.ts'
import { amountText, CHAIN_OPTIONS, connectRegistry, signerFrom } from './chain-context.ts'

const HELP = `ccp-bridge audit request --auditor ADDR --fee AMOUNT [--token SYMBOL] --operator-key K --rpc URL --registry ADDR [--json]

Stage 3: escrows the audit fee (whole units, e.g. 500 or 0.25) in the FeeEscrow for an audit by --auditor, in an exogenous
token of the deployment (default the first listed). The auditor accepts the request for the certificate it attests
(ccp-bridge attest --request ID); the fee goes to it at settlement, back to the operator if a challenge is upheld.
`

/**
 * `ccp-bridge audit request`: the operator escrows an audit fee naming the auditor.
 * @example ccp-bridge audit request --auditor 0x90F7… --fee 500 --operator-key operator.key --json
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...CHAIN_OPTIONS, 'operator-key': { type: 'string' }, auditor: { type: 'string' }, fee: { type: 'string' }, token: { type: 'string' } },
    'ccp-bridge audit',
    { request: [] },
  )
  const [sub] = positionals
  if (values.help || sub === undefined) {
    process.stdout.write(HELP)
    return values.help ? 0 : 2
  }
  if (sub !== 'request') throw new BridgeError('BAD_ARGUMENTS', `unknown audit command ${JSON.stringify(sub)}`, { details: 'expected request' })
  if (values.auditor === undefined) throw new BridgeError('BAD_ARGUMENTS', 'audit request needs --auditor ADDR')
  if (values.fee === undefined) throw new BridgeError('BAD_ARGUMENTS', 'audit request needs --fee AMOUNT (whole units, such as 500)')
  const auditor = evmAddress(values.auditor, '--auditor')
  const operator = await signerFrom(values['operator-key'], 'operator-key')
  const registry = await connectRegistry(values)
  const { request, token, txHash } = await requestAudit({ lifecycle: registry, operator, auditor, fee: values.fee, ...(values.token !== undefined ? { token: values.token } : {}) })
  if (values.json) printJson({ ...request, symbol: token.symbol, decimals: token.decimals, txHash })
  else writeOut(`audit requested ${request.requestId}\n  auditor      ${request.auditor}\n  fee          ${amountText(request.amount, token)} escrowed (tx ${txHash})\n  next         the auditor runs: ccp-bridge attest <cert.json> --auditor-key K --request ${request.requestId}\n`)
  return 0
}
