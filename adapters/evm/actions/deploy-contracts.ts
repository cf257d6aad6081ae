import { encodeFunctionData, getAddress, getContractAddress, type Abi, type Address, type Hash, type Hex } from 'viem'
import { auditorStakingBytecode } from '../artifacts/AuditorStaking.ts'
import { ccpChallengesBytecode } from '../artifacts/CCPChallenges.ts'
import { ccpRegistryBytecode } from '../artifacts/CCPRegistry.ts'
import { demoUSDCBytecode } from '../artifacts/DemoUSDC.ts'
import { feeEscrowBytecode } from '../artifacts/FeeEscrow.ts'
import { reserveVaultBytecode } from '../artifacts/ReserveVault.ts'
import type { RegistryPublicClient, RegistryWalletClient } from '../clients.ts'
import { devAccounts } from '../dev-accounts.ts'
import { challengesAbi, escrowAbi, registryAbi, stakingAbi, tokenAbi, vaultAbi } from '../registry-abi.ts'
import { registryError } from '../registry-errors.ts'

/** 10^6: one unit of a 6-decimal token such as USDC. */
const USDC = 1_000_000n

/**
 * The deployment parameters. Amounts are in the stake token's smallest unit. Without `stakeToken` a 6-decimal DemoUSDC
 * is deployed right after the registry (local chains only), listed as the one exogenous reserve token and, on chain
 * 31337, minted to anvil's development accounts.
 */
export type DeploymentParameters = {
  /** the ERC-20 of auditor bonds, stakes and challenge bonds */
  stakeToken?: Address
  /** the ERC-20s a reserve may be held in (default: the stake token) */
  exogenousTokens?: Address[]
  /** the bond (free + locked) that registers an auditor (default 1000 USDC) */
  minBond?: bigint
  /** the least stake each attestation of a class must claim (default C1 100, C2 1000, C3 5000 USDC) */
  minStake?: { C1: bigint; C2: bigint; C3: bigint }
  /** the bond a challenger posts (default 100 USDC) */
  challengeBond?: bigint
  /** matching verifier verdicts that decide a challenge (default 2) */
  verdictThreshold?: number
  /** who manages the verifier set (default: the deployer); it cannot move stakes or bonds */
  governor?: Address
  /** who gets 1,000,000 DemoUSDC when the demo token is deployed (default on chain 31337: anvil's dev accounts) */
  mintTo?: Address[]
}

export type DeployedContracts = {
  registry: Address
  staking: Address
  vault: Address
  escrow: Address
  challenges: Address
  stakeToken: Address
  exogenousTokens: Address[]
  /** true when the stake token is the DemoUSDC this deployment created */
  demoToken: boolean
  minBond: bigint
  minStake: { C1: bigint; C2: bigint; C3: bigint }
  challengeBond: bigint
  verdictThreshold: number
  governor: Address
  /** the block of the registry's deployment: where event subscriptions start */
  deployBlock: bigint
  chainId: number
}

/**
 * Deploys CCPRegistry first (so a fresh anvil's account 0 puts it at 0x5FbDB2315678afecb367f032d93F642f64180aa3),
 * wired to the addresses the next transactions create: [DemoUSDC,] AuditorStaking, ReserveVault, FeeEscrow, CCPChallenges.
 * Every contract checks its wiring: a deployment that lands elsewhere is refused.
 * @example const { registry, vault, stakeToken } = await deployContracts(walletClient, publicClient)
 */
export async function deployContracts(walletClient: RegistryWalletClient, publicClient: RegistryPublicClient, options: DeploymentParameters = {}): Promise<DeployedContracts> {
  const deployer = walletClient.account.address
  const chainId = publicClient.chain.id
  const demoToken = options.stakeToken === undefined
  const minStake = options.minStake ?? { C1: 100n * USDC, C2: 1_000n * USDC, C3: 5_000n * USDC }
  const minBond = options.minBond ?? 1_000n * USDC
  const challengeBond = options.challengeBond ?? 100n * USDC
  const verdictThreshold = options.verdictThreshold ?? 2
  const governor = getAddress(options.governor ?? deployer)
  try {
    const nonce = await publicClient.getTransactionCount({ address: deployer, blockTag: 'pending' })
    const at = (offset: number) => getContractAddress({ from: deployer, nonce: BigInt(nonce + offset) })
    const first = demoToken ? 2 : 1
    const predicted = { staking: at(first), vault: at(first + 1), escrow: at(first + 2), challenges: at(first + 3) }
    const stakeToken = demoToken ? at(1) : getAddress(options.stakeToken!)
    const exogenousTokens = (options.exogenousTokens ?? [stakeToken]).map((t) => getAddress(t))
    const deploy = (abi: Abi, bytecode: Hex, args: readonly unknown[], offset: number): Promise<Hash> =>
      walletClient.deployContract({ abi, bytecode, args, nonce: nonce + offset } as never)
    const hashes: Hash[] = []
    hashes.push(
      await deploy(registryAbi, ccpRegistryBytecode, [
        { staking: predicted.staking, vault: predicted.vault, escrow: predicted.escrow, challenges: predicted.challenges, minStakeC1: minStake.C1, minStakeC2: minStake.C2, minStakeC3: minStake.C3 },
      ], 0),
    )
    if (demoToken) hashes.push(await deploy(tokenAbi, demoUSDCBytecode, [], 1))
    const registry = at(0)
    hashes.push(await deploy(stakingAbi, auditorStakingBytecode, [registry, stakeToken, minBond], first))
    hashes.push(await deploy(vaultAbi, reserveVaultBytecode, [registry, exogenousTokens], first + 1))
    hashes.push(await deploy(escrowAbi, feeEscrowBytecode, [registry, predicted.vault], first + 2))
    hashes.push(await deploy(challengesAbi, ccpChallengesBytecode, [registry, stakeToken, challengeBond, BigInt(verdictThreshold), governor], first + 3))
    const receipts = await Promise.all(hashes.map((hash) => publicClient.waitForTransactionReceipt({ hash })))
    const expected = [registry, ...(demoToken ? [stakeToken] : []), predicted.staking, predicted.vault, predicted.escrow, predicted.challenges]
    for (const [i, receipt] of receipts.entries()) {
      if (receipt.status !== 'success' || !receipt.contractAddress) throw new Error(`deployment ${i + 1} of ${receipts.length} reverted`)
      if (getAddress(receipt.contractAddress) !== expected[i]) throw new Error(`deployment ${i + 1} landed at ${receipt.contractAddress}, not at ${expected[i]} (another transaction of the deployer got in between)`)
    }
    if (demoToken) {
      const recipients = options.mintTo ?? (chainId === 31337 ? devAccounts(10).map((a) => a.address) : [])
      const mints = await Promise.all(
        recipients.map((to, i) =>
          walletClient.sendTransaction({ to: stakeToken, data: encodeFunctionData({ abi: tokenAbi, functionName: 'mint', args: [to, 1_000_000n * USDC] }), nonce: nonce + first + 4 + i }),
        ),
      )
      await Promise.all(mints.map((hash) => publicClient.waitForTransactionReceipt({ hash })))
    }
    return {
      registry,
      staking: predicted.staking,
      vault: predicted.vault,
      escrow: predicted.escrow,
      challenges: predicted.challenges,
      stakeToken,
      exogenousTokens,
      demoToken,
      minBond,
      minStake,
      challengeBond,
      verdictThreshold,
      governor,
      deployBlock: receipts[0]!.blockNumber,
      chainId,
    }
  } catch (error) {
    throw registryError(error, 'deploy')
  }
}
