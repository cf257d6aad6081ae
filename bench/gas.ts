/**
 * `npm run bench:gas`: the gas of every lifecycle operation on a fresh anvil, printed and written to bench/gas-report.md.
 * Each figure is also shown as a ratio to a plain ether transfer measured in the same run (the baseline). The goal of
 * issue 9: publish C2 with one auditor at most 316,000 gas, with the reserve checked on chain.
 * @example node --import tsx bench/gas.ts
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { encodeFunctionData, keccak256, toHex, type Hex, type LocalAccount } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { startAnvil } from '../adapters/evm/anvil.ts'
import { connectEvm, walletFor, type RegistryWalletClient } from '../adapters/evm/clients.ts'
import { deployContracts } from '../adapters/evm/actions/deploy-contracts.ts'
import { signAttestation, signVerdict } from '../adapters/evm/actions/sign-typed.ts'
import { signPublishParams, submitPublish } from '../adapters/evm/actions/submit-publish.ts'
import { bondAuditor, stakeAuditor } from '../adapters/evm/actions/stake-auditor.ts'
import { fundReserve } from '../adapters/evm/actions/reserve.ts'
import { acceptAudit, requestAudit } from '../adapters/evm/actions/fee-escrow.ts'
import { openChallenge, setVerifier, submitVerdict } from '../adapters/evm/actions/challenges.ts'
import { revokeCertificate } from '../adapters/evm/actions/revoke-certificate.ts'
import { expireCertificate } from '../adapters/evm/actions/expire-certificate.ts'
import { settleCertificate } from '../adapters/evm/actions/settle-certificate.ts'
import { increaseTime } from '../adapters/evm/actions/increase-time.ts'
import { sendContractTransaction } from '../adapters/evm/actions/send-contract-transaction.ts'
import { registryAbi, tokenAbi } from '../adapters/evm/registry-abi.ts'
import { attestMessage, requiredReserve, type UnsignedPublishParams } from '../src/certificate/onchain.ts'
import { attestScopeHash } from '../src/crypto/eip712.ts'
import { COMPILER_VERSION, EVM_VERSION, OPTIMIZER_RUNS } from '../adapters/evm/compile-contracts.ts'

const DAY = 86_400
const USDC = 1_000_000n
const GOAL = 316_000n
const anvil = await startAnvil()
try {
  const connection = await connectEvm(anvil.rpcUrl)
  const client = connection.publicClient
  const wallet = (i: number): RegistryWalletClient => walletFor(connection, anvil.accounts[i]!.devPrivateKey)
  const account = (i: number): LocalAccount => privateKeyToAccount(anvil.accounts[i]!.devPrivateKey)
  const deployed = await deployContracts(wallet(0), client)
  const { registry, staking, vault, escrow, challenges, stakeToken } = deployed
  for (const v of [6, 7, 8]) await setVerifier(wallet(0), client, challenges, account(v).address, true)
  await increaseTime(connection, 1) // verifiers sit on the panels of challenges opened after they were added
  const rows: { operation: string; gas: bigint; note?: string }[] = []
  const row = (operation: string, gas: bigint, note?: string) => rows.push({ operation, gas, ...(note ? { note } : {}) })

  const transfer = await client.waitForTransactionReceipt({ hash: await wallet(9).sendTransaction({ to: anvil.accounts[8]!.address, value: 1n }) })
  const baseline = transfer.gasUsed

  // auditors 3, 4, 5 bond once (the first bond registers them)
  const bonds: bigint[] = []
  for (const i of [3, 4, 5]) bonds.push((await bondAuditor(wallet(i), client, { staking, stakeToken }, 50_000n * USDC)).gasUsed)
  row('bond (an auditor registers: first bond)', bonds[0]!)

  const now = Number((await client.getBlock()).timestamp)
  const agents = Array.from({ length: 8 }, (_, i) => privateKeyToAccount(keccak256(toHex(`ccp-bridge gas agent ${i}`))))
  const params = (label: string, agent: LocalAccount, certificateClass: number, days: number, scopes: string[], stake: bigint): UnsignedPublishParams => ({
    certHash: keccak256(toHex(`ccp-bridge gas certificate ${label}`)),
    agent: agent.address,
    certificateClass,
    issuedAt: now - 60,
    expiresAt: now - 60 + days * DAY,
    containmentBound: 5_000n,
    reserveVault: vault,
    spendingLimit: '0x530ecF8Afddb752748aCE1Ece90e34FD1ca7eE6C',
    uriDigest: keccak256(toHex(`ccp-bridge gas document ${label}`)),
    attestations: scopes.map((scope, i) => ({ auditor: account(3 + i).address, scope: attestScopeHash(scope), stake })),
  })
  let stakeGas = 0n
  let fundGas = 0n
  /** funds the reserve and the stakes, signs, publishes from dev account `operator`; returns the publish's gas */
  const publish = async (p: UnsignedPublishParams, operator = 1): Promise<bigint> => {
    const klass = (['NONE', 'C1', 'C2', 'C3'] as const)[p.certificateClass] as 'C1' | 'C2' | 'C3'
    fundGas = (await fundReserve(wallet(operator), client, vault, { certHash: p.certHash, token: stakeToken, amount: requiredReserve(klass, p.containmentBound, 6) })).gasUsed
    const sigs: Hex[] = []
    for (const [i, a] of p.attestations.entries()) {
      stakeGas = (await stakeAuditor(wallet(3 + i), client, staking, p.certHash, a.stake)).gasUsed
      sigs.push(await signAttestation(account(3 + i), { chainId: connection.chainId, registry, message: attestMessage(p, account(operator).address, i) }))
    }
    const agent = agents.find((x) => x.address === p.agent)!
    const signed = await signPublishParams(wallet(operator), client, registry, { params: p, agent, attestorSigs: sigs })
    return (await submitPublish(wallet(operator), client, registry, signed)).gasUsed
  }

  const first = params('c2-first', agents[0]!, 2, 60, ['ACTIVITY_TRAIL_VERIFICATION'], 1_500n * USDC)
  const firstGas = await publish(first)
  row('publish C2 + 1 auditor: the operator\'s first publish (new agent)', firstGas, firstGas <= GOAL ? `goal ≤ ${GOAL}: met` : `goal ≤ ${GOAL}: MISSED`)
  row('stake (an auditor locks its stake for a certificate)', stakeGas)
  row('reserve deposit (approve excluded)', fundGas)
  const c1 = params('c1', agents[1]!, 1, 90, [], 0n)
  row('publish C1 (no auditor)', await publish(c1))
  const c2 = params('c2', agents[2]!, 2, 60, ['ACTIVITY_TRAIL_VERIFICATION'], 1_500n * USDC)
  const c2Gas = await publish(c2)
  row('publish C2 + 1 auditor (new agent)', c2Gas, c2Gas <= GOAL ? `goal ≤ ${GOAL}: met` : `goal ≤ ${GOAL}: MISSED`)
  const c23 = params('c2-3', agents[3]!, 2, 60, ['ACTIVITY_TRAIL_VERIFICATION', 'SMART_CONTRACT_VERIFICATION', 'FULL_STACK_VERIFICATION'], 1_500n * USDC)
  row('publish C2 + 3 auditors', await publish(c23))
  const c3 = params('c3', agents[4]!, 3, 30, ['SMART_CONTRACT_VERIFICATION', 'COMPOSITION_ANALYSIS'], 5_000n * USDC)
  row('publish C3 + 2 auditors', await publish(c3))
  const renewal = params('c2-renewal', agents[2]!, 2, 60, ['ACTIVITY_TRAIL_VERIFICATION'], 1_500n * USDC)
  row('publish C2 + 1 auditor renewing the agent\'s active one (old marked EXPIRED)', await publish(renewal))

  const { requestId, receipt: requested } = await requestAudit(wallet(1), client, escrow, { auditor: account(3).address, token: stakeToken, amount: 500n * USDC })
  row('audit request (fee escrowed; approve excluded)', requested.gasUsed)
  row('accept an audit request (auditor)', (await acceptAudit(wallet(3), client, escrow, requestId, c2.certHash)).gasUsed)

  row('revoke', (await revokeCertificate(wallet(1), client, registry, c1.certHash)).gasUsed)
  const bond = { challenges, bondToken: stakeToken, bond: deployed.challengeBond }
  const { challengeId, receipt: opened } = await openChallenge(wallet(9), client, bond, { certHash: c23.certHash, kind: 'CONSTRAINT_BYPASS' })
  row('challenge (open a panel challenge; approve excluded)', opened.gasUsed)
  const verdict = async (v: number, upheld: boolean) =>
    (await submitVerdict(wallet(9), client, challenges, { challengeId, verifier: account(v).address, upheld, signature: await signVerdict(account(v), { chainId: connection.chainId, challenges, message: { challengeId, certHash: c23.certHash, upheld } }) })).gasUsed
  row('verdict (first)', await verdict(6, true))
  row('verdict (deciding: revoke, slash 3 stakes 30/50/20, claw back)', await verdict(7, true))
  const short = params('short', agents[5]!, 1, 1, [], 0n)
  await publish(short)
  // the issuer seizes one unit of the vault's pooled USDC: every reserve in it is now backed pro rata, so short
  await sendContractTransaction(wallet(0), client, { address: stakeToken, abi: tokenAbi, functionName: 'seize', args: [vault, 1n] }, 'seize')
  const shortfall = await openChallenge(wallet(9), client, bond, { certHash: c3.certHash, kind: 'RESERVE_SHORTFALL' })
  row('challenge RESERVE_SHORTFALL (judged and upheld on chain: revoke, slash 2 stakes)', shortfall.receipt.gasUsed)

  await increaseTime(connection, DAY + 1)
  row('expire', (await expireCertificate(wallet(7), client, registry, short.certHash)).gasUsed)
  await increaseTime(connection, 60 * DAY)
  row('settle C2 + 1 auditor (stake to bond, fee to auditor, reserve to operator)', (await settleCertificate(wallet(9), client, registry, c2.certHash)).gasUsed)
  row('settle C1 (reserve to operator)', (await settleCertificate(wallet(9), client, registry, c1.certHash)).gasUsed)
  row('verify (view, eth_estimateGas)', await client.estimateGas({ to: registry, data: encodeFunctionData({ abi: registryAbi, functionName: 'verify', args: [agents[4]!.address, 1, 100_000n] }) }))
  row('isValid (view, eth_estimateGas)', await client.estimateGas({ to: registry, data: encodeFunctionData({ abi: registryAbi, functionName: 'isValid', args: [renewal.certHash] }) }))

  const header = `Gas of the CCP contracts (solc ${COMPILER_VERSION}, evmVersion ${EVM_VERSION}, optimizer ${OPTIMIZER_RUNS} runs; anvil ${anvil.chainId})`
  const table = [
    '| operation | gas | × ether transfer | note |',
    '|---|---:|---:|---|',
    `| ether transfer (baseline, same run) | ${baseline} | 1.00 | |`,
    ...rows.map((r) => `| ${r.operation} | ${r.gas} | ${(Number(r.gas) / Number(baseline)).toFixed(2)} | ${r.note ?? ''} |`),
  ]
  const notes = [
    'Every publish checks the operator (the sender), the agent\'s EIP-712 co-signature, each auditor\'s Attest signature, bond and stake',
    '(at least the class minimum), the class maximum validity, and the reserve on chain: the vault\'s backed amount for this',
    'certHash and operator, in an exogenous token, against bound × class ratio. Views are measured as the gas',
    'eth_estimateGas gives a transaction calling them (what an on-chain caller pays, including the 21000 base).',
  ]
  const report = `# ${header}\n\n${table.join('\n')}\n\n${notes.join('\n')}\n`
  process.stdout.write(`${header}\n${table.join('\n')}\n`)
  writeFileSync(fileURLToPath(new URL('./gas-report.md', import.meta.url)), report)
  if (firstGas > GOAL || c2Gas > GOAL) process.exitCode = 1
} finally {
  await anvil.stop()
}
