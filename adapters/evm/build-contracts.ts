/**
 * `npm run build:contracts`: recompiles adapters/evm/contracts and rewrites the checked-in artifacts.
 * @example node --import tsx adapters/evm/build-contracts.ts
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { artifactModule, compileContracts, DEPLOYED_CONTRACTS } from './compile-contracts.ts'

const compiled = compileContracts()
for (const name of DEPLOYED_CONTRACTS) {
  const file = fileURLToPath(new URL(`./artifacts/${name}.ts`, import.meta.url))
  writeFileSync(file, artifactModule(compiled[name]))
  process.stdout.write(`wrote ${file} (${(compiled[name].bytecode.length - 2) / 2} bytes of creation code)\n`)
}
