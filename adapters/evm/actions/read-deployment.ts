import type { Address } from 'viem'
import type { LifecycleDeployment, TokenInfo as PortTokenInfo } from '../../../src/ports.ts'
import type { RegistryPublicClient } from '../clients.ts'
import { challengesAbi, registryAbi, stakingAbi, tokenAbi, vaultAbi } from '../registry-abi.ts'
import { registryError } from '../registry-errors.ts'

/** A token as the deployment lists it, and the deployment as the port describes it. */
export type TokenInfo = PortTokenInfo
export type Deployment = LifecycleDeployment

/**
 * Reads the contracts a registry is wired to and every deployment parameter (what `registry status` shows).
 * @example const { vault, minStake } = await readDeployment(publicClient, registry)
 */
export async function readDeployment(publicClient: RegistryPublicClient, registry: Address): Promise<Deployment> {
  try {
    const read = <T>(address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[] = []) =>
      publicClient.readContract({ address, abi: abi as never, functionName: functionName as never, args: args as never }) as Promise<T>
    const [staking, vault, escrow, challenges] = await Promise.all(
      (['staking', 'vault', 'escrow', 'challenges'] as const).map((name) => read<Address>(registry, registryAbi, name)),
    )
    const [c1, c2, c3, g1, g2, g3, stakeTokenAddress, minBond, listed, challengeBond, threshold, period, governor, verifiers] = await Promise.all([
      read<bigint>(registry, registryAbi, 'minStake', [1]),
      read<bigint>(registry, registryAbi, 'minStake', [2]),
      read<bigint>(registry, registryAbi, 'minStake', [3]),
      read<bigint>(registry, registryAbi, 'grace', [1]),
      read<bigint>(registry, registryAbi, 'grace', [2]),
      read<bigint>(registry, registryAbi, 'grace', [3]),
      read<Address>(staking!, stakingAbi, 'stakeToken'),
      read<bigint>(staking!, stakingAbi, 'minBond'),
      read<readonly [readonly Address[], readonly number[]]>(vault!, vaultAbi, 'exogenousTokens'),
      read<bigint>(challenges!, challengesAbi, 'bondAmount'),
      read<bigint>(challenges!, challengesAbi, 'threshold'),
      read<bigint>(challenges!, challengesAbi, 'CHALLENGE_PERIOD'),
      read<Address>(challenges!, challengesAbi, 'governor'),
      read<bigint>(challenges!, challengesAbi, 'verifierCount'),
    ])
    const [stakeToken, ...exogenousTokens] = await Promise.all([stakeTokenAddress, ...listed[0]].map((token) => readToken(publicClient, token)))
    return {
      registry,
      staking: staking!,
      vault: vault!,
      escrow: escrow!,
      challenges: challenges!,
      stakeToken: stakeToken!,
      exogenousTokens,
      minBond,
      minStake: { C1: c1, C2: c2, C3: c3 },
      grace: { C1: Number(g1), C2: Number(g2), C3: Number(g3) },
      challengeBond,
      verdictThreshold: Number(threshold),
      challengePeriod: Number(period),
      governor,
      verifierCount: Number(verifiers),
    }
  } catch (error) {
    throw registryError(error, 'read the deployment')
  }
}

/**
 * An ERC-20's symbol and decimals.
 * @example await readToken(publicClient, usdc) // { token, symbol: 'USDC', decimals: 6 }
 */
export async function readToken(publicClient: RegistryPublicClient, token: Address): Promise<TokenInfo> {
  try {
    const [symbol, decimals] = await Promise.all([
      publicClient.readContract({ address: token, abi: tokenAbi, functionName: 'symbol' }),
      publicClient.readContract({ address: token, abi: tokenAbi, functionName: 'decimals' }),
    ])
    return { token, symbol, decimals }
  } catch (error) {
    throw registryError(error, `read the token ${token}`)
  }
}

/**
 * An account's balance of an ERC-20 (smallest unit).
 * @example await tokenBalance(publicClient, usdc, operator)
 */
export async function tokenBalance(publicClient: RegistryPublicClient, token: Address, account: Address): Promise<bigint> {
  try {
    return await publicClient.readContract({ address: token, abi: tokenAbi, functionName: 'balanceOf', args: [account] })
  } catch (error) {
    throw registryError(error, 'balanceOf')
  }
}
