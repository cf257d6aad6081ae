import { verifyAgent } from '../../../src/verify/verify-agent.ts'
import type { RiskPolicy } from '../../../src/schema/policy.ts'
import { INTEGER_BOUNDS, parseCommandArgs, parseInteger, parseNow, requirePositional } from '../args.ts'
import { localStores, readPolicy } from '../bridge-context.ts'
import { formatUnits } from '../../../src/certificate/onchain.ts'
import { printable, printJson, writeOut } from '../output.ts'
import { evmRegistry } from '../../evm/registry-port.ts'
import { evmAddress, registryAddress, rpcUrl } from '../connection.ts'

const HELP = `ccp-bridge verify-agent <agentAddress> --rpc URL --registry ADDR [--store DIR] [--policy file] [--from-block N] [--now ISO] [--json]
A counterparty's check (seed 004 stages 9-10): lookup, retrieve, CID, certHash vs chain, rules, signatures, status,
risk policy, concentration. Exit 0 accept, 1 reject or conditional, 2 could not check.
`

/** `ccp-bridge verify-agent`: see HELP. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    rpc: { type: 'string' },
    registry: { type: 'string' },
    'from-block': { type: 'string' },
    store: { type: 'string' },
    state: { type: 'string' },
    'data-dir': { type: 'string' },
    policy: { type: 'string' },
    now: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  }, 'ccp-bridge verify-agent', ['agent'])
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  const agent = evmAddress(requirePositional(positionals, 0, 'the agent address'), 'the agent address')
  const policy: RiskPolicy = values.policy ? await readPolicy(values.policy) : {}
  const now = parseNow(values.now)
  const registry = await evmRegistry(rpcUrl(values.rpc), registryAddress(values.registry), { fromBlock: BigInt(parseInteger('from-block', values['from-block'], INTEGER_BOUNDS.block) ?? 0) })
  const { store } = localStores(values.store, values.state, values['data-dir'])
  const result = await verifyAgent({ agent, registry, store, policy, now })
  const code = result.decision === 'accept' ? 0 : result.decision === 'could-not-check' ? 2 : 1
  if (values.json) {
    printJson({ agent: result.agent, decision: result.decision, reasons: result.reasons, certHash: result.certHash, uri: result.uri, status: result.status, registryStatus: result.record?.status, reserve: result.reserve, stakes: result.stakes, lifecycle: result.lifecycle, concentration: result.concentration })
    return code
  }
  const c = result.certificate
  const lines = [`${result.decision.toUpperCase()}: agent ${result.agent}`]
  if (result.certHash) lines.push(`  certificate  ${result.certHash} (${result.record?.status ?? 'unknown'} on chain${c ? `, ${c.derived_metrics.certificate_class}, bound ${printable(String(c.derived_metrics.containment_bound))} ${printable(String(c.derived_metrics.containment_bound_denomination))}` : ''})`)
  if (result.uri) lines.push(`  document     ${printable(result.uri)}`)
  if (result.reserve) {
    const r = result.reserve
    lines.push(`  reserve      ${formatUnits(r.backing, r.decimals)} ${r.symbol ?? ''} locked in the vault (the class needs ${formatUnits(r.required, r.decimals)})`)
  }
  const stakeToken = result.stakes?.length ? (await registry.deployment()).stakeToken : undefined
  const units = (amount: bigint) => (stakeToken ? `${formatUnits(amount, stakeToken.decimals)} ${stakeToken.symbol}` : `${amount}`)
  for (const s of result.stakes ?? []) lines.push(`  stake        auditor ${s.auditor}: ${s.bonded ? 'bonded' : 'NOT bonded'}, ${units(s.staked)} staked (its attestation claims ${units(s.claimed)})`)
  if (result.concentration) lines.push(`  concentration ${result.concentration.auditors.map((a) => `auditor ${a.auditor} ${a.certificates}/${result.concentration!.active_certificates}`).join(', ') || 'no auditors'}`)
  if (result.reasons.length === 0) lines.push('  every check passed: CID, certHash = chain, rules, agent/auditor signatures, reserve locked, stakes, ACTIVE, policy, concentration')
  for (const r of result.reasons) lines.push(`  - [${r.stage}/${printable(r.code)}] ${printable(r.message)}`)
  writeOut(`${lines.join('\n')}\n`)
  return code
}
