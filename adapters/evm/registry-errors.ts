import { BaseError, ContractFunctionRevertedError } from 'viem'
import { BridgeError } from '../../src/errors.ts'

/**
 * A transaction or call the registry (or staking contract) refused: `revert` is the custom error's name, `revertArgs` its arguments.
 * @example if (error instanceof RegistryRevertError && error.revert === 'AuditorNotStaked') …
 */
export class RegistryRevertError extends BridgeError {
  readonly revert: string
  readonly revertArgs: readonly unknown[]
  constructor(revert: string, revertArgs: readonly unknown[], action: string, cause: unknown) {
    super('REGISTRY_REVERTED', `${action}: the registry refused with ${revert}`, {
      kind: 'check',
      cause,
      details: `${revert}(${revertArgs.map(formatArg).join(', ')})`,
    })
    this.revert = revert
    this.revertArgs = revertArgs
  }
}

/**
 * Turns a viem error into a BridgeError: a decoded custom-error revert → RegistryRevertError (exit 1);
 * a transport failure → kind io (exit 2). Anything already a BridgeError passes through.
 * @example try { … } catch (e) { throw registryError(e, 'publish') }
 */
export function registryError(error: unknown, action: string): BridgeError {
  if (error instanceof BridgeError) return error
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError)
    if (reverted instanceof ContractFunctionRevertedError) {
      const name = reverted.data?.errorName ?? reverted.reason ?? 'an unknown error'
      return new RegistryRevertError(name, reverted.data?.args ?? [], action, error)
    }
    return new BridgeError('EVM_CALL_FAILED', `${action} failed: ${error.shortMessage}`, { kind: 'io', cause: error, details: error.details })
  }
  return new BridgeError('EVM_CALL_FAILED', `${action} failed: ${(error as Error)?.message ?? String(error)}`, { kind: 'io', cause: error })
}

function formatArg(value: unknown): string {
  return typeof value === 'bigint' ? value.toString() : typeof value === 'string' ? value : JSON.stringify(value)
}
