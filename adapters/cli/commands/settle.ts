import { certificateLifecycle } from '../../../src/bridge/lifecycle.ts'
import { settle } from '../../../src/bridge/settle.ts'
import { parseCommandArgs } from '../args.ts'
import { printJson, writeOut } from '../output.ts'
import { amountText, certHashArgument, CHAIN_OPTIONS, connectRegistry, signerFrom } from './chain-context.ts'

const HELP = `ccp-bridge settle <certHash> --key K --rpc URL --registry ADDR [--json]

Stage 12: after termination plus the class's grace period, with no open challenge, releases the auditors' stakes to
their bonds, the escrowed fees to the auditors and the reserve to the operator. Anyone may send it (a keeper), once.
Exit 1 with the reason when it is too early, under challenge, or already settled.
`

/**
 * `ccp-bridge settle <certHash>`.
 * @example ccp-bridge settle 0x18f5… --key keeper.key --json
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...CHAIN_OPTIONS, key: { type: 'string' } }, 'ccp-bridge settle', ['certHash'])
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  const certHash = certHashArgument(positionals[0])
  const keeper = await signerFrom(values.key, 'key')
  const registry = await connectRegistry(values)
  const before = await certificateLifecycle({ registry, certHash })
  const { txHash, lifecycle } = await settle({ registry, keeper, certHash })
  const upheld = lifecycle.challengeUpheld
  const released = {
    reserve: { to: before.record.operator, amount: before.reserve.backing, token: before.reserve.token },
    stakes: upheld ? [] : before.auditors.map((a) => ({ auditor: a.auditor, amount: a.staked })),
    fees: upheld ? [] : before.auditors.flatMap((a) => (a.fee && a.fee.state === 'ACCEPTED' && a.fee.operator === before.record.operator ? [{ auditor: a.auditor, amount: a.fee.amount, token: a.fee.token }] : [])),
  }
  if (values.json) {
    printJson({ certHash, txHash, status: lifecycle.status, settled: lifecycle.settled, challengeUpheld: upheld, released })
    return 0
  }
  const { stakeToken } = await registry.deployment()
  const feeToken = (token: string) => (token.toLowerCase() === before.reserve.token?.toLowerCase() ? before.reserve : stakeToken)
  writeOut(
    [
      `settled ${certHash} (tx ${txHash})`,
      `  status       ${lifecycle.status}${upheld ? ', challenge upheld: stakes were slashed and fees clawed back then' : ''}`,
      `  reserve      ${amountText(released.reserve.amount, before.reserve)} released to the operator ${before.record.operator}`,
      ...released.stakes.map((s) => `  stake        ${amountText(s.amount, stakeToken)} back to the bond of ${s.auditor}`),
      ...released.fees.map((f) => `  fee          ${amountText(f.amount, feeToken(f.token))} paid to ${f.auditor}`),
      '',
    ].join('\n'),
  )
  return 0
}
