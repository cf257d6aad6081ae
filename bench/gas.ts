/**
 * `npm run bench:gas`: the gas of the registry's operations on a fresh anvil, printed and written to bench/gas-report.md.
 * Each figure is also shown as a ratio to a plain ether transfer measured in the same run (the baseline).
 * @example node --import tsx bench/gas.ts
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createTestClient, encodeFunctionData, http, keccak256, toHex, zeroAddress, type Hex, type LocalAccount } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { startAnvil } from '../adapters/evm/anvil.ts'
import { connectEvm, walletFor, type RegistryWalletClient } from '../adapters/evm/clients.ts'
import { deployContracts } from '../adapters/evm/actions/deploy-contracts.ts'
import { signAttestation } from '../adapters/evm/actions/sign-typed.ts'
import { signPublishParams, submitPublish } from '../adapters/evm/actions/submit-publish.ts'
import { stakeAuditor } from '../adapters/evm/actions/stake-auditor.ts'
import { revokeCertificate } from '../adapters/evm/actions/revoke-certificate.ts'
import { expireCertificate } from '../adapters/evm/actions/expire-certificate.ts'
import { registryAbi } from '../adapters/evm/registry-abi.ts'
import { attestScopeHash } from '../src/crypto/eip712.ts'
import type { UnsignedPublishParams } from '../src/certificate/onchain.ts'
import { COMPILER_VERSION, EVM_VERSION, OPTIMIZER_RUNS } from '../adapters/evm/compile-contracts.ts'

const DAY = 86_400
const anvil = await startAnvil()
try {
  const connection = await connectEvm(anvil.rpcUrl)
  const client = connection.publicClient
  const wallet = (i: number): RegistryWalletClient => walletFor(connection, anvil.accounts[i]!.devPrivateKey)
  const account = (i: number): LocalAccount => privateKeyToAccount(anvil.accounts[i]!.devPrivateKey)
  const deployed = await deployContracts(wallet(0), client)
  const registry = deployed.registry
  const rows: { operation: string; gas: bigint }[] = []

  const transfer = await client.waitForTransactionReceipt({ hash: await wallet(9).sendTransaction({ to: anvil.accounts[8]!.address, value: 1n }) })
  const baseline = transfer.gasUsed

  const now = Number((await client.getBlock()).timestamp)
  const agents = Array.from({ length: 6 }, (_, i) => privateKeyToAccount(keccak256(toHex(`ccp-bridge gas agent ${i}`))))
  const params = (label: string, agent: LocalAccount, certificateClass: number, days: number, scopes: string[]): UnsignedPublishParams => ({
    certHash: keccak256(toHex(`ccp-bridge gas certificate ${label}`)),
    agent: agent.address,
    certificateClass,
    issuedAt: now - 60,
    expiresAt: now - 60 + days * DAY,
    containmentBound: 50_000n,
    reserveVault: '0xb2fFaf44Ae415b0e1dFc99c8E07dfDE2a5369Aa6',
    spendingLimit: zeroAddress,
    ipfsUri: 'ipfs://bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
    attestations: scopes.map((scope, i) => ({ auditor: account(3 + i).address, scope: attestScopeHash(scope), stake: 25_000n })),
  })
  const publish = async (p: UnsignedPublishParams): Promise<bigint> => {
    const sigs: Hex[] = []
    for (const [i, a] of p.attestations.entries()) {
      await stakeAuditor(wallet(3 + i), client, deployed.staking, p.certHash, a.stake)
      sigs.push(await signAttestation(account(3 + i), { chainId: connection.chainId, registry, message: { certHash: p.certHash, ...a } }))
    }
    const agent = agents.find((x) => x.address === p.agent)!
    const signed = await signPublishParams(wallet(1), client, registry, { params: p, agent, attestorSigs: sigs })
    return (await submitPublish(wallet(1), client, registry, signed)).gasUsed
  }

  const c1 = params('c1', agents[0]!, 1, 90, [])
  rows.push({ operation: 'publish C1 (no attestation)', gas: await publish(c1) })
  const c2 = params('c2', agents[1]!, 2, 60, ['SMART_CONTRACT_VERIFICATION'])
  rows.push({ operation: 'publish C2 (1 staked attestation)', gas: await publish(c2) })
  const c3 = params('c3', agents[2]!, 3, 30, ['SMART_CONTRACT_VERIFICATION', 'COMPOSITION_ANALYSIS'])
  rows.push({ operation: 'publish C3 (2 staked attestations)', gas: await publish(c3) })
  const renewal = params('c1-renewal', agents[0]!, 1, 90, [])
  rows.push({ operation: 'publish renewal C1 (old marked EXPIRED)', gas: await publish(renewal) })
  rows.push({ operation: 'revoke', gas: (await revokeCertificate(wallet(1), client, registry, c2.certHash)).gasUsed })
  rows.push({ operation: 'verify (view, eth_estimateGas)', gas: await client.estimateGas({ to: registry, data: encodeVerify(agents[2]!.address) }) })
  rows.push({ operation: 'isValid (view, eth_estimateGas)', gas: await client.estimateGas({ to: registry, data: encodeIsValid(c3.certHash) }) })
  const short = params('short', agents[3]!, 1, 1, [])
  await publish(short)
  const testClient = createTestClient({ mode: 'anvil', chain: connection.chain, transport: http(anvil.rpcUrl) })
  await testClient.increaseTime({ seconds: DAY + 1 })
  await testClient.mine({ blocks: 1 })
  rows.push({ operation: 'expire', gas: (await expireCertificate(wallet(7), client, registry, short.certHash)).gasUsed })

  const header = `Gas of CCPRegistry operations (solc ${COMPILER_VERSION}, evmVersion ${EVM_VERSION}, optimizer ${OPTIMIZER_RUNS} runs; anvil ${anvil.chainId})`
  const table = [
    '| operation | gas | × ether transfer |',
    '|---|---:|---:|',
    `| ether transfer (baseline, same run) | ${baseline} | 1.00 |`,
    ...rows.map((r) => `| ${r.operation} | ${r.gas} | ${(Number(r.gas) / Number(baseline)).toFixed(2)} |`),
  ]
  const note = 'Views are measured as the gas eth_estimateGas gives a transaction calling them (what an on-chain caller pays, including the 21000 base).'
  const report = `# ${header}\n\n${table.join('\n')}\n\n${note}\n`
  process.stdout.write(`${header}\n${table.join('\n')}\n`)
  writeFileSync(fileURLToPath(new URL('./gas-report.md', import.meta.url)), report)
} finally {
  await anvil.stop()
}

function encodeVerify(agent: `0x${string}`): Hex {
  return encode('verify', [agent, 1, 100_000n])
}
function encodeIsValid(certHash: Hex): Hex {
  return encode('isValid', [certHash])
}
function encode(functionName: 'verify' | 'isValid', args: readonly unknown[]): Hex {
  return encodeFunctionData({ abi: registryAbi, functionName, args } as never)
}
