import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { toFunctionSelector, toEventSelector, type AbiFunction, type AbiEvent } from 'viem'
import { artifactModule, compileContracts, DEPLOYED_CONTRACTS } from '../../../adapters/evm/compile-contracts.ts'
import { registryAbi } from '../../../adapters/evm/registry-abi.ts'

describe('compiled contracts', () => {
  const compiled = compileContracts()

  it('compiles against the OpenZeppelin Contracts 5.x the lock file pins (imports resolved from node_modules)', () => {
    const lock = JSON.parse(readFileSync(fileURLToPath(new URL('../../../package-lock.json', import.meta.url)), 'utf8'))
    const installed = JSON.parse(readFileSync(fileURLToPath(new URL('../../../node_modules/@openzeppelin/contracts/package.json', import.meta.url)), 'utf8'))
    expect(installed.version).toBe(lock.packages['node_modules/@openzeppelin/contracts'].version)
    expect(installed.version).toMatch(/^5\./)
    const registry = readFileSync(fileURLToPath(new URL('../../../adapters/evm/contracts/CCPRegistry.sol', import.meta.url)), 'utf8')
    expect(registry).toContain('import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol"')
    expect(registry).toContain('import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol"')
    expect(registryAbi.some((x) => x.type === 'function' && x.name === 'eip712Domain')).toBe(true)
  })

  it.each(DEPLOYED_CONTRACTS)('the checked-in %s artifact equals a fresh solc-js compile (run `npm run build:contracts` if this fails)', (name) => {
    const file = fileURLToPath(new URL(`../../../adapters/evm/artifacts/${name}.ts`, import.meta.url))
    expect(readFileSync(file, 'utf8')).toBe(artifactModule(compiled[name]))
  })

  it("exposes seed 003's ICCPRegistry exactly: functions, argument and return types, events and their indexing", () => {
    const fn = (name: string) => toFunctionSelector(registryAbi.find((x) => x.type === 'function' && x.name === name) as AbiFunction)
    expect(fn('publish')).toBe(
      toFunctionSelector(
        'publish((bytes32,address,uint8,uint48,uint48,uint128,address,address,bytes32,bytes,(address,bytes32,uint256)[]),bytes,bytes[])',
      ),
    )
    expect(fn('revoke')).toBe(toFunctionSelector('revoke(bytes32)'))
    expect(fn('isValid')).toBe(toFunctionSelector('isValid(bytes32)'))
    expect(fn('verify')).toBe(toFunctionSelector('verify(address,uint8,uint128)'))
    expect(fn('getActiveCertificate')).toBe(toFunctionSelector('getActiveCertificate(address)'))
    expect(fn('getCertificate')).toBe(toFunctionSelector('getCertificate(bytes32)'))
    const outputs = (name: string) => (registryAbi.find((x) => x.type === 'function' && x.name === name) as AbiFunction).outputs
    expect(outputs('verify').map((o) => [o.name, o.type])).toEqual([['acceptable', 'bool'], ['certHash', 'bytes32']])
    expect(outputs('isValid').map((o) => o.type)).toEqual(['bool'])
    expect(outputs('getActiveCertificate').map((o) => o.type)).toEqual(['bytes32'])
    const record = outputs('getCertificate')[0] as unknown as { internalType: string; components: { name: string; type: string }[] }
    expect(record.internalType).toBe('struct ICCPRegistry.CertificateRecord')
    expect(record.components.map((c) => `${c.type} ${c.name}`)).toEqual([
      'address operator', 'address agent', 'uint8 certificateClass', 'uint48 issuedAt', 'uint48 expiresAt', 'uint8 status',
      'uint128 containmentBound', 'address reserveVault', 'address spendingLimit', 'string ipfsUri', 'address[] auditors',
    ])
    const event = (name: string) => registryAbi.find((x) => x.type === 'event' && x.name === name) as AbiEvent
    expect(event('CertificatePublished').inputs.map((i) => `${i.type}${i.indexed ? ' indexed' : ''} ${i.name}`)).toEqual([
      'bytes32 indexed certHash', 'address indexed agent', 'address indexed operator', 'uint8 certificateClass', 'uint128 containmentBound', 'uint48 expiresAt',
    ])
    expect(event('CertificateRevoked').inputs.map((i) => `${i.type}${i.indexed ? ' indexed' : ''} ${i.name}`)).toEqual(['bytes32 indexed certHash', 'address indexed agent'])
    expect(toEventSelector(event('CertificatePublished'))).toBe(toEventSelector('CertificatePublished(bytes32,address,address,uint8,uint128,uint48)'))
  })
})
