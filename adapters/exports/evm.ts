/**
 * `cere-ccp-bridge/evm`: the EVM registry adapter over viem. `evmRegistry` is the `Registry` port the use cases take
 * (`publish`, `revoke`, `verifyAgent`, `watchOnce`), `keySigner` a `TypedDataSigner` for a private key; the actions
 * (registry, reserve vault, fee escrow, auditor staking, challenges, events) and anvil for local chains are here too.
 * @example import { evmRegistry, keySigner } from 'cere-ccp-bridge/evm'
 */
export * from '../evm/index.ts'
