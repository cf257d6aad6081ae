/**
 * `cere-ccp-bridge/contracts`: the compiled contracts (ABIs `as const`, so viem infers every function, event and
 * error; creation bytecode) and the typed deploy helper. Names follow the checked-in artifacts in adapters/evm/artifacts
 * (`<contract>Abi`, `<contract>Bytecode`); test/package/exports.test.ts checks that every artifact is exported here.
 * @example import { ccpRegistryAbi, deployContracts } from 'cere-ccp-bridge/contracts'
 */
export * from '../evm/artifacts/AuditorStaking.ts'
export * from '../evm/artifacts/CCPChallenges.ts'
export * from '../evm/artifacts/CCPRegistry.ts'
export * from '../evm/artifacts/DemoUSDC.ts'
export * from '../evm/artifacts/FeeEscrow.ts'
export * from '../evm/artifacts/ReserveVault.ts'
export * from '../evm/registry-abi.ts'
export * from '../evm/actions/deploy-contracts.ts'
