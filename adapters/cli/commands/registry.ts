import type { Hash } from 'viem'
import { BridgeError } from '../../../src/errors.ts'
import type { LifecycleDeployment } from '../../../src/ports.ts'
import { connectEvm, walletFor } from '../../evm/clients.ts'
import { deployContracts, type DeploymentParameters } from '../../evm/actions/deploy-contracts.ts'
import { readDeployment } from '../../evm/actions/read-deployment.ts'
import { locateRegistry } from '../../evm/actions/locate-registry.ts'
import { getActiveCertificate, getCertificateRecord, getLifecycle, type CertificateRecord, type LifecycleRecord } from '../../evm/actions/read-registry.ts'
import { parseBigInteger, parseCommandArgs, parseInteger, requirePositional } from '../args.ts'
import { loadKey } from '../keys.ts'
import { printJson, writeOut } from '../output.ts'
import { evmAddress, registryAddress, rpcUrl } from '../connection.ts'
import { amountText, isoTime } from './chain-context.ts'

const HELP = `ccp-bridge registry <deploy|status|active> [options]

  registry deploy --rpc URL --key K [--stake-token ADDR] [--reserve-token ADDR]... [--min-bond N]
                  [--min-stake-c1 N] [--min-stake-c2 N] [--min-stake-c3 N] [--challenge-bond N] [--threshold N]
                  [--governor ADDR] [--json]
      deploys CCPRegistry, AuditorStaking, ReserveVault, FeeEscrow and CCPChallenges (amounts in the stake token's
      smallest unit; defaults 1000/100/1000/5000/100 USDC, threshold 2, governor = the deployer). Without
      --stake-token (chain 31337 only) a 6-decimal DemoUSDC is deployed and listed as the exogenous reserve token
  registry status [certHash] --rpc URL --registry ADDR [--json]
      without a certHash: the deployment (contracts, exogenous tokens, minimum bond and stake per class, grace, challenge
      bond and threshold); with one: its record and lifecycle; exit 0 when ACTIVE, 1 when unknown, revoked, expired or challenged
  registry active <agent> --rpc URL --registry ADDR [--json]
      the agent's active certificate; exit 0 when there is one, 1 when there is none

--rpc falls back to $ETH_RPC_URL, --registry to $CCP_REGISTRY.
`

const options = {
  rpc: { type: 'string' },
  registry: { type: 'string' },
  key: { type: 'string' },
  'stake-token': { type: 'string' },
  'reserve-token': { type: 'string', multiple: true },
  'min-bond': { type: 'string' },
  'min-stake-c1': { type: 'string' },
  'min-stake-c2': { type: 'string' },
  'min-stake-c3': { type: 'string' },
  'challenge-bond': { type: 'string' },
  threshold: { type: 'string' },
  governor: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

/**
 * `ccp-bridge registry deploy|status|active`: deploy the contracts and read certificates from them.
 * @example ccp-bridge registry status 0x5c0e… --rpc http://127.0.0.1:8545 --registry 0x5FbDB… --json
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, options, 'ccp-bridge registry', { deploy: [], status: ['certHash?'], active: ['agent'] })
  const [sub] = positionals
  if (values.help || sub === undefined) {
    process.stdout.write(HELP)
    return values.help ? 0 : 2
  }
  const json = values.json === true
  switch (sub) {
    case 'deploy': {
      const parameters = deploymentParameters(values)
      const key = await loadKey(values.key, 'key')
      const connection = await connectEvm(rpcUrl(values.rpc))
      if (parameters.stakeToken === undefined && connection.chainId !== 31337) {
        throw new BridgeError('BAD_ARGUMENTS', `registry deploy on chain ${connection.chainId} needs --stake-token (the DemoUSDC default is for local chains only)`)
      }
      const contracts = await deployContracts(walletFor(connection, key), connection.publicClient, parameters)
      if (json) printJson(contracts)
      else {
        writeOut(
          [
            `registry   ${contracts.registry}`,
            `staking    ${contracts.staking}`,
            `vault      ${contracts.vault}`,
            `escrow     ${contracts.escrow}`,
            `challenges ${contracts.challenges}`,
            `stake token ${contracts.stakeToken}${contracts.demoToken ? ' (DemoUSDC, deployed now)' : ''}; exogenous reserve tokens ${contracts.exogenousTokens.join(', ')}`,
            `governor   ${contracts.governor}`,
            `chain ${contracts.chainId}, block ${contracts.deployBlock}`,
            '',
          ].join('\n'),
        )
      }
      return 0
    }
    case 'status': {
      const connection = await connectEvm(rpcUrl(values.rpc))
      const { registry } = await locateRegistry(connection.publicClient, registryAddress(values.registry))
      const deployment = await readDeployment(connection.publicClient, registry)
      if (positionals[1] === undefined) {
        if (json) printJson(deployment)
        else writeOut(describeDeployment(deployment))
        return 0
      }
      const certHash = hash(positionals[1])
      const record = await getCertificateRecord(connection.publicClient, registry, certHash)
      if (!record) {
        if (json) printJson({ certHash, found: false, valid: false })
        else process.stdout.write(`certificate ${certHash}: not in the registry\n`)
        return 1
      }
      const lifecycle = (await getLifecycle(connection.publicClient, registry, certHash))!
      const minStake = deployment.minStake[record.certificateClass as 'C1' | 'C2' | 'C3']
      const valid = record.status === 'ACTIVE'
      if (json) printJson({ found: true, valid, ...record, lifecycle, minStake })
      else writeOut(`${describe(record)}${describeLifecycle(lifecycle)}  min stake  ${amountText(minStake, deployment.stakeToken)} per attestation of a ${record.certificateClass}\n`)
      return valid ? 0 : 1
    }
    case 'active': {
      const agent = evmAddress(requirePositional(positionals, 1, 'the agent address'), 'agent')
      const connection = await connectEvm(rpcUrl(values.rpc))
      const { registry } = await locateRegistry(connection.publicClient, registryAddress(values.registry))
      const certHash = await getActiveCertificate(connection.publicClient, registry, agent)
      const record = certHash ? await getCertificateRecord(connection.publicClient, registry, certHash) : null
      if (json) printJson({ agent, active: certHash !== null, certHash, certificate: record })
      else if (record) writeOut(`agent ${agent}: active certificate\n${describe(record)}`)
      else process.stdout.write(`agent ${agent}: no active certificate\n`)
      return certHash ? 0 : 1
    }
    default:
      throw new BridgeError('BAD_ARGUMENTS', `unknown registry command ${JSON.stringify(sub)}`, { details: 'expected deploy, status or active' })
  }
}

function deploymentParameters(values: Record<string, string | string[] | boolean | undefined>): DeploymentParameters {
  const amount = (name: string) => parseBigInteger(name, values[name] as string | undefined)
  const [c1, c2, c3] = [amount('min-stake-c1'), amount('min-stake-c2'), amount('min-stake-c3')]
  const USDC = 1_000_000n
  const minBond = amount('min-bond')
  const challengeBond = amount('challenge-bond')
  const threshold = parseInteger('threshold', values.threshold as string | undefined, { min: 1, max: 1000 })
  const reserveTokens = values['reserve-token'] as string[] | undefined
  return {
    ...(values['stake-token'] !== undefined ? { stakeToken: evmAddress(values['stake-token'] as string, '--stake-token') } : {}),
    ...(reserveTokens ? { exogenousTokens: reserveTokens.map((t) => evmAddress(t, '--reserve-token')) } : {}),
    ...(minBond !== undefined ? { minBond } : {}),
    ...(c1 !== undefined || c2 !== undefined || c3 !== undefined ? { minStake: { C1: c1 ?? 100n * USDC, C2: c2 ?? 1_000n * USDC, C3: c3 ?? 5_000n * USDC } } : {}),
    ...(challengeBond !== undefined ? { challengeBond } : {}),
    ...(threshold !== undefined ? { verdictThreshold: threshold } : {}),
    ...(values.governor !== undefined ? { governor: evmAddress(values.governor as string, '--governor') } : {}),
  }
}

function describeDeployment(d: LifecycleDeployment): string {
  const t = d.stakeToken
  return [
    `registry     ${d.registry}`,
    `  staking    ${d.staking} (stake token ${t.symbol} ${t.token}, ${t.decimals} decimals)`,
    `  vault      ${d.vault} (exogenous: ${d.exogenousTokens.map((x) => `${x.symbol} ${x.token}`).join(', ')})`,
    `  escrow     ${d.escrow}`,
    `  challenges ${d.challenges} (bond ${amountText(d.challengeBond, t)}, ${d.verdictThreshold} matching verdicts of ${d.verifierCount} verifiers, ${d.challengePeriod / 86_400} days, governor ${d.governor})`,
    `  min bond   ${amountText(d.minBond, t)}`,
    `  min stake  C1 ${amountText(d.minStake.C1, t)}, C2 ${amountText(d.minStake.C2, t)}, C3 ${amountText(d.minStake.C3, t)} per attestation`,
    `  grace      C1 ${d.grace.C1 / 86_400} days, C2 ${d.grace.C2 / 86_400} days, C3 ${d.grace.C3 / 86_400} days after termination`,
    '',
  ].join('\n')
}

function describe(record: CertificateRecord): string {
  const time = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z')
  return [
    `certificate ${record.certHash}`,
    `  status     ${record.status}${record.status !== record.storedStatus ? ` (recorded ${record.storedStatus}; anyone may call expire)` : ''}`,
    `  class      ${record.certificateClass}`,
    `  agent      ${record.agent}`,
    `  operator   ${record.operator}`,
    `  issued     ${time(record.issuedAt)}`,
    `  expires    ${time(record.expiresAt)}`,
    `  bound      ${record.containmentBound}`,
    `  reserve    ${record.reserveVault}`,
    `  uri        ${record.ipfsUri}`,
    `  auditors   ${record.auditors.length > 0 ? record.auditors.join(', ') : '(none)'}`,
    '',
  ].join('\n')
}

function describeLifecycle(l: LifecycleRecord): string {
  return `  lifecycle  terminated ${isoTime(l.terminatedAt)}, grace ends ${isoTime(l.graceEndsAt)}, ${l.challengeOpen ? 'challenge open' : 'no open challenge'}${l.challengeUpheld ? ', challenge upheld' : ''}, ${l.settled ? 'settled' : 'not settled'}\n`
}

function hash(text: string): Hash {
  if (!/^0x[0-9a-fA-F]{64}$/.test(text)) throw new BridgeError('BAD_ARGUMENTS', `expected a certHash as 0x + 64 hex digits, got ${JSON.stringify(text)}`)
  return text.toLowerCase() as Hash
}
