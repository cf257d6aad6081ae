import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { BridgeError } from '../../src/errors.ts'

/** The pinned compiler settings: solc 0.8.37 (solc-js, in-process), evmVersion cancun, optimizer 200 runs. */
export const COMPILER_VERSION = '0.8.37'
export const EVM_VERSION = 'cancun'
export const OPTIMIZER_RUNS = 200
/** The contracts whose ABI and bytecode are checked in under adapters/evm/artifacts. */
export const DEPLOYED_CONTRACTS = ['CCPRegistry', 'AuditorStaking', 'ReserveVault', 'FeeEscrow', 'CCPChallenges', 'DemoUSDC'] as const

export const contractsDir = fileURLToPath(new URL('./contracts/', import.meta.url))

export type CompiledContract = { contractName: string; abi: unknown[]; bytecode: `0x${string}` }

/**
 * Compiles adapters/evm/contracts/*.sol with solc-js in this process and returns ABI + creation bytecode.
 * `@openzeppelin/contracts/...` imports are read from node_modules (the version the lock file pins) by solc's import
 * callback. `extra` adds sources (file name → text), e.g. test contracts, whose compiled contracts are returned too.
 * @example const { CCPRegistry } = compileContracts(); CCPRegistry.bytecode // '0x6101…'
 */
export function compileContracts(): Record<(typeof DEPLOYED_CONTRACTS)[number], CompiledContract> {
  const sources: Record<string, { content: string }> = {}
  for (const file of readdirSync(contractsDir).filter((f) => f.endsWith('.sol')).sort()) {
    sources[file] = { content: readFileSync(join(contractsDir, file), 'utf8') }
  }
  const compiled = compileSources(sources)
  const result = {} as Record<(typeof DEPLOYED_CONTRACTS)[number], CompiledContract>
  for (const name of DEPLOYED_CONTRACTS) {
    const contract = compiled[`${name}.sol`]?.[name]
    if (!contract) throw new BridgeError('SOLC_FAILED', `solc produced no ${name}`)
    result[name] = contract
  }
  return result
}

/**
 * Compiles Solidity sources (name → text) with the pinned settings; imports resolve against `contracts/` (so
 * `../../adapters/evm/contracts/X.sol`-style paths work from any root given) and node_modules.
 * @example compileSources({ 'Wallet.sol': { content } })['Wallet.sol'].Wallet.bytecode
 */
export function compileSources(sources: Record<string, { content: string }>, roots: string[] = []): Record<string, Record<string, CompiledContract>> {
  const require = createRequire(import.meta.url)
  const solc = require('solc') as { version(): string; compile(input: string, callbacks?: { import(path: string): { contents: string } | { error: string } }): string }
  if (!solc.version().startsWith(`${COMPILER_VERSION}+`)) {
    throw new BridgeError('SOLC_VERSION', `expected solc ${COMPILER_VERSION}, found ${solc.version()}`)
  }
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      evmVersion: EVM_VERSION,
      optimizer: { enabled: true, runs: OPTIMIZER_RUNS },
      metadata: { bytecodeHash: 'none', appendCBOR: false },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  }
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: (path) => findImport(path, roots) })) as {
    errors?: { severity: string; formattedMessage: string }[]
    contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>
  }
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error')
  if (errors.length > 0) {
    throw new BridgeError('SOLC_FAILED', 'the contracts do not compile', { details: errors.map((e) => e.formattedMessage).join('\n') })
  }
  const result: Record<string, Record<string, CompiledContract>> = {}
  for (const [file, contracts] of Object.entries(output.contracts ?? {})) {
    result[file] = {}
    for (const [name, compiled] of Object.entries(contracts)) {
      result[file]![name] = { contractName: name, abi: compiled.abi, bytecode: `0x${compiled.evm.bytecode.object}` }
    }
  }
  return result
}

/** Where an import is found: `@openzeppelin/...` (and any package) in node_modules, other paths under the roots given. */
function findImport(path: string, roots: string[]): { contents: string } | { error: string } {
  const require = createRequire(import.meta.url)
  const candidates: string[] = []
  const pkg = /^(@[^/]+\/[^/]+|[^@./][^/]*)\/(.+)$/.exec(path)
  if (pkg) {
    try {
      candidates.push(join(dirname(require.resolve(`${pkg[1]}/package.json`)), pkg[2]!))
    } catch {
      // not a package
    }
  }
  for (const root of [contractsDir, ...roots]) candidates.push(join(root, path))
  for (const file of candidates) if (existsSync(file)) return { contents: readFileSync(file, 'utf8') }
  return { error: `not found: ${path}` }
}

/**
 * The TypeScript module text checked in for one compiled contract (ABI `as const` so viem infers types).
 * @example writeFileSync('artifacts/CCPRegistry.ts', artifactModule(compileContracts().CCPRegistry))
 */
export function artifactModule(contract: CompiledContract): string {
  return [
    `// Generated by \`npm run build:contracts\` (solc ${COMPILER_VERSION}, evmVersion ${EVM_VERSION}, optimizer ${OPTIMIZER_RUNS} runs). Do not edit.`,
    `// Source: adapters/evm/contracts/${contract.contractName}.sol`,
    `export const ${lowerFirst(contract.contractName)}Abi = ${JSON.stringify(contract.abi, null, 2)} as const`,
    '',
    `export const ${lowerFirst(contract.contractName)}Bytecode = '${contract.bytecode}' as const`,
    '',
  ].join('\n')
}

function lowerFirst(name: string): string {
  return name.replace(/^[A-Z]+(?=[A-Z][a-z])|^[A-Z]/, (head) => head.toLowerCase())
}
