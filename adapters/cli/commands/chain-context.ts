import { BridgeError } from '../../../src/errors.ts'
import { parseCertificate } from '../../../src/bridge/publish.ts'
import { formatUnits } from '../../../src/certificate/onchain.ts'
import { LIMITS } from '../../../src/limits.ts'
import type { Certificate } from '../../../src/schema/certificate.ts'
import type { Hex } from '../../../src/ports.ts'
import { evmRegistry, keySigner, type EvmRegistry, type KeySigner } from '../../evm/registry-port.ts'
import { quoteArgument } from '../args.ts'
import { registryAddress, rpcUrl } from '../connection.ts'
import { readInputBytes } from '../input.ts'
import { loadKey } from '../keys.ts'

/** The connection options every lifecycle command takes. */
export const CHAIN_OPTIONS = {
  rpc: { type: 'string' },
  registry: { type: 'string' },
  'from-block': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

/**
 * The registry and the contracts around it at `--registry` (or $CCP_REGISTRY) over `--rpc` (or $ETH_RPC_URL).
 * @example const registry = await connectRegistry(values)
 */
export function connectRegistry(values: { rpc?: string | undefined; registry?: string | undefined; 'from-block'?: string | undefined }): Promise<EvmRegistry> {
  const fromBlock = values['from-block']
  if (fromBlock !== undefined && !/^[0-9]{1,16}$/.test(fromBlock)) throw new BridgeError('BAD_ARGUMENTS', `--from-block expects a block number, got ${quoteArgument(fromBlock)}`)
  return evmRegistry(rpcUrl(values.rpc), registryAddress(values.registry), fromBlock === undefined ? {} : { fromBlock: BigInt(fromBlock) })
}

/**
 * A key option as a signer that can send transactions.
 * @example const operator = await signerFrom(values['operator-key'], 'operator-key')
 */
export async function signerFrom(spec: string | undefined, option: string): Promise<KeySigner> {
  return keySigner(await loadKey(spec, option))
}

/**
 * A certificate file, read with the input limits and schema-checked (errors name the file and the JSON path).
 * @example const { certificate, bytes } = await readCertificateFile('cert.json')
 */
export async function readCertificateFile(file: string): Promise<{ certificate: Certificate; bytes: Uint8Array }> {
  const bytes = await readInputBytes(file, LIMITS.certificate)
  return { certificate: parseCertificate(bytes, file), bytes }
}

/**
 * A certHash argument (0x + 64 hex digits), lower case.
 * @example certHashArgument(positionals[1], 'the certHash')
 */
export function certHashArgument(text: string | undefined, what = 'the certHash'): Hex {
  if (text === undefined) throw new BridgeError('BAD_ARGUMENTS', `missing ${what} (0x + 64 hex digits)`)
  if (!/^0x[0-9a-fA-F]{64}$/.test(text)) throw new BridgeError('BAD_ARGUMENTS', `${what} expects 0x + 64 hex digits, got ${quoteArgument(text)}`)
  return text.toLowerCase() as Hex
}

/**
 * Unix seconds as ISO 8601 without milliseconds; `—` for none.
 * @example isoTime(1781481600) // '2026-06-15T00:00:00Z'
 */
export function isoTime(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? '—' : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')
}

/**
 * An amount of a token for people: whole units and the symbol.
 * @example amountText(1_500_000_000n, { symbol: 'USDC', decimals: 6 }) // '1500 USDC'
 */
export function amountText(amount: bigint, token: { symbol: string | null; decimals: number }): string {
  return `${formatUnits(amount, token.decimals)} ${token.symbol ?? ''}`.trimEnd()
}
