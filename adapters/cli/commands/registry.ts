import type { Hash } from 'viem'
import { BridgeError } from '../../../src/errors.ts'
import { connectEvm, walletFor } from '../../evm/clients.ts'
import { deployContracts } from '../../evm/actions/deploy-contracts.ts'
import { getActiveCertificate, getCertificateRecord, type CertificateRecord } from '../../evm/actions/read-registry.ts'
import { parseCommandArgs, requirePositional } from '../args.ts'
import { loadKey } from '../keys.ts'
import { printJson } from '../output.ts'
import { evmAddress, registryAddress, rpcUrl } from '../connection.ts'

const HELP = `ccp-bridge registry <deploy|status|active> [options]

  registry deploy --rpc URL --key <file|env:NAME|prompt|hex> [--challenger ADDR] [--slasher ADDR] [--json]
      deploys CCPRegistry and AuditorStaking (challenger and slasher default to the deployer) and prints the addresses
  registry status <certHash> --rpc URL --registry ADDR [--json]
      the on-chain record; exit 0 when the certificate is ACTIVE, 1 when it is unknown, revoked, expired or challenged
  registry active <agent> --rpc URL --registry ADDR [--json]
      the agent's active certificate; exit 0 when there is one, 1 when there is none

--rpc falls back to $ETH_RPC_URL, --registry to $CCP_REGISTRY.
`

const options = {
  rpc: { type: 'string' },
  registry: { type: 'string' },
  key: { type: 'string' },
  challenger: { type: 'string' },
  slasher: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

/**
 * `ccp-bridge registry deploy|status|active`: deploy the contracts and read certificates from them.
 * @example ccp-bridge registry status 0x5c0e… --rpc http://127.0.0.1:8545 --registry 0x5FbDB… --json
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, options, 'ccp-bridge registry')
  const [sub] = positionals
  if (values.help || sub === undefined) {
    process.stdout.write(HELP)
    return values.help ? 0 : 2
  }
  const json = values.json === true
  switch (sub) {
    case 'deploy': {
      const key = await loadKey(values.key, 'key')
      const connection = await connectEvm(rpcUrl(values.rpc))
      const contracts = await deployContracts(walletFor(connection, key), connection.publicClient, {
        ...(values.challenger ? { challenger: evmAddress(values.challenger, '--challenger') } : {}),
        ...(values.slasher ? { slasher: evmAddress(values.slasher, '--slasher') } : {}),
      })
      if (json) printJson(contracts)
      else process.stdout.write(`registry   ${contracts.registry}\nstaking    ${contracts.staking}\nchallenger ${contracts.challenger}\nslasher    ${contracts.slasher}\nchain ${contracts.chainId}, block ${contracts.deployBlock}\n`)
      return 0
    }
    case 'status': {
      const certHash = hash(requirePositional(positionals, 1, 'the certHash (0x + 64 hex digits)'))
      const connection = await connectEvm(rpcUrl(values.rpc))
      const record = await getCertificateRecord(connection.publicClient, registryAddress(values.registry), certHash)
      if (!record) {
        if (json) printJson({ certHash, found: false, valid: false })
        else process.stdout.write(`certificate ${certHash}: not in the registry\n`)
        return 1
      }
      const valid = record.status === 'ACTIVE'
      if (json) printJson({ found: true, valid, ...record })
      else process.stdout.write(describe(record))
      return valid ? 0 : 1
    }
    case 'active': {
      const agent = evmAddress(requirePositional(positionals, 1, 'the agent address'), 'agent')
      const connection = await connectEvm(rpcUrl(values.rpc))
      const registry = registryAddress(values.registry)
      const certHash = await getActiveCertificate(connection.publicClient, registry, agent)
      const record = certHash ? await getCertificateRecord(connection.publicClient, registry, certHash) : null
      if (json) printJson({ agent, active: certHash !== null, certHash, certificate: record })
      else if (record) process.stdout.write(`agent ${agent}: active certificate\n${describe(record)}`)
      else process.stdout.write(`agent ${agent}: no active certificate\n`)
      return certHash ? 0 : 1
    }
    default:
      throw new BridgeError('BAD_ARGUMENTS', `unknown registry command ${JSON.stringify(sub)}`, { details: 'expected deploy, status or active' })
  }
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

function hash(text: string): Hash {
  if (!/^0x[0-9a-fA-F]{64}$/.test(text)) throw new BridgeError('BAD_ARGUMENTS', `expected a certHash as 0x + 64 hex digits, got ${JSON.stringify(text)}`)
  return text.toLowerCase() as Hash
}
