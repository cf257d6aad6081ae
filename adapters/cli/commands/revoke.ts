import { revoke } from '../../../src/bridge/revoke.ts'
import { BridgeError } from '../../../src/errors.ts'
import type { Hex } from '../../../src/ports.ts'
import { parseCommandArgs, requirePositional } from '../args.ts'
import { loadKey } from '../keys.ts'
import { printJson } from '../output.ts'
import { evmRegistry, keySigner } from '../../evm/registry-port.ts'
import { registryAddress, rpcUrl } from '../connection.ts'

/** `ccp-bridge revoke <certHash> --rpc URL --registry ADDR --operator-key K [--json]`: the operator revokes a certificate. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    rpc: { type: 'string' },
    registry: { type: 'string' },
    'operator-key': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  }, 'ccp-bridge revoke', ['certHash'])
  if (values.help) {
    process.stdout.write('ccp-bridge revoke <certHash> --rpc URL --registry ADDR --operator-key K [--json]\n')
    return 0
  }
  const certHash = requirePositional(positionals, 0, 'the certHash')
  if (!/^0x[0-9a-fA-F]{64}$/.test(certHash)) throw new BridgeError('BAD_ARGUMENTS', `expected a 32-byte 0x-hex certHash, got ${JSON.stringify(certHash)}`)
  const operator = keySigner(await loadKey(values['operator-key'], 'operator-key'))
  const registry = await evmRegistry(rpcUrl(values.rpc), registryAddress(values.registry))
  const result = await revoke({ certHash: certHash as Hex, registry, operator })
  if (values.json) printJson(result)
  else process.stdout.write(result.already ? `${certHash} was already REVOKED\n` : `revoked ${certHash} (tx ${result.txHash})\n`)
  return 0
}
