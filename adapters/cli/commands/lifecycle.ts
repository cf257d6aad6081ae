import { certificateLifecycle, type LifecycleView } from '../../../src/bridge/lifecycle.ts'
import type { LifecycleDeployment } from '../../../src/ports.ts'
import { parseCommandArgs } from '../args.ts'
import { printJson, writeOut } from '../output.ts'
import { amountText, certHashArgument, CHAIN_OPTIONS, connectRegistry, isoTime } from './chain-context.ts'

const HELP = `ccp-bridge lifecycle <certHash> --rpc URL --registry ADDR [--json]

One view of a certificate's lifecycle: state, reserve locked, auditors' stakes and bonds, escrowed fees, termination and
the end of its grace period, challenges, settlement.
`

/**
 * `ccp-bridge lifecycle <certHash>`.
 * @example ccp-bridge lifecycle 0x18f5… --json
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, CHAIN_OPTIONS, 'ccp-bridge lifecycle', ['certHash'])
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  const certHash = certHashArgument(positionals[0])
  const registry = await connectRegistry(values)
  const view = await certificateLifecycle({ registry, certHash })
  if (values.json) printJson(view)
  else writeOut(describe(view, await registry.deployment()))
  return 0
}

function describe(v: LifecycleView, deployment: LifecycleDeployment): string {
  const stakeToken = deployment.stakeToken
  const feeToken = (token: string) => [stakeToken, ...deployment.exogenousTokens].find((t) => t.token.toLowerCase() === token.toLowerCase()) ?? { symbol: token, decimals: 0 }
  const l = v.lifecycle
  const stage = l.settled ? 'settled' : l.challengeOpen ? 'under challenge' : l.status === 'ACTIVE' ? 'active' : l.graceEndsAt !== null ? `in grace until ${isoTime(l.graceEndsAt)}, then settlement` : l.status
  return [
    `certificate ${v.certHash}`,
    `  state        ${l.status} (${stage})`,
    `  class        ${v.record.certificateClass}, bound ${v.record.containmentBound}, agent ${v.record.agent}, operator ${v.record.operator}`,
    `  validity     ${isoTime(v.record.issuedAt)} → ${isoTime(v.record.expiresAt)}`,
    `  terminated   ${isoTime(l.terminatedAt)}; grace ${v.grace / 86_400} days${l.graceEndsAt ? `, ends ${isoTime(l.graceEndsAt)}` : ''}`,
    `  reserve      ${v.reserve.token ? `${amountText(v.reserve.backing, v.reserve)} backed of ${amountText(v.reserve.deposited, v.reserve)} (class needs ${amountText(v.reserve.required, v.reserve)}), ${l.settled ? 'released' : 'locked'}` : 'none in the vault'}`,
    ...v.auditors.map((a) => `  auditor      ${a.auditor}: ${a.bonded ? 'bonded' : 'NOT bonded'}, stake ${amountText(a.staked, stakeToken)}${a.fee ? `, fee ${amountText(a.fee.amount, feeToken(a.fee.token))} (${a.fee.state})` : ', no escrowed fee'}`),
    ...(v.challenges.length === 0 ? ['  challenges   none'] : v.challenges.map((c) => `  challenge    ${c.challengeId} ${c.kind}: ${c.state}${c.state === 'OPEN' ? ` until ${isoTime(c.deadline)}` : ''}`)),
    `  upheld       ${l.challengeUpheld ? 'yes: stakes slashed, fees clawed back' : 'no'}`,
    `  settlement   ${l.settled ? 'done' : 'pending'}`,
    '',
  ].join('\n')
}
