import { expect } from 'vitest'
import { RegistryRevertError } from '../../../adapters/evm/registry-errors.ts'

/** Awaits a registry call that must be refused with the custom error `name`; returns the error for more checks. */
export async function expectRevert(promise: Promise<unknown>, name: string): Promise<RegistryRevertError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error, `expected the registry to refuse with ${name}`).toBeInstanceOf(RegistryRevertError)
  const revert = error as RegistryRevertError
  expect(revert.revert).toBe(name)
  expect(revert.kind).toBe('check')
  return revert
}
