import { startAnvil } from '../../evm/anvil.ts'
import { connectEvm, walletFor } from '../../evm/clients.ts'
import { deployContracts } from '../../evm/actions/deploy-contracts.ts'
import { setVerifier } from '../../evm/actions/challenges.ts'
import { INTEGER_BOUNDS, parseCommandArgs, parseInteger, parseTime } from '../args.ts'

const HELP = `ccp-bridge devnet [--port N] [--genesis-time ISO] [--json]

Starts anvil on 127.0.0.1 (port N, default: a free one) and deploys, from dev account 0, CCPRegistry, a 6-decimal
DemoUSDC (listed as the exogenous reserve token and minted to every dev account), AuditorStaking, ReserveVault,
FeeEscrow and CCPChallenges (dev account 0 governs the verifier set: dev accounts 6, 7, 8). Prints the addresses and
runs until Ctrl-C or SIGTERM.
The accounts are anvil's well-known development accounts: their keys are public, for this local chain only.
`

/**
 * `ccp-bridge devnet`: a local chain with the registry deployed, until Ctrl-C/SIGTERM (then anvil is stopped).
 * @example ccp-bridge devnet --json   # prints one JSON line, then keeps running
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { port: { type: 'string' }, 'genesis-time': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 'ccp-bridge devnet', [])
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  const port = parseInteger('port', values.port, INTEGER_BOUNDS.port)
  const genesis = parseTime('genesis-time', values['genesis-time'], { wholeSeconds: true })
  const timestamp = genesis === undefined ? undefined : Math.floor(genesis.getTime() / 1000)
  const stopSignal = waitForStopSignal()
  const anvil = await startAnvil({ ...(port !== undefined ? { port } : {}), ...(timestamp !== undefined ? { timestamp } : {}) })
  try {
    const connection = await connectEvm(anvil.rpcUrl)
    const deployer = anvil.accounts[0]!
    const governor = walletFor(connection, deployer.devPrivateKey)
    const contracts = await deployContracts(governor, connection.publicClient)
    // dev accounts 6, 7 and 8 are the verifier panel (2 matching verdicts decide)
    const verifiers = anvil.accounts.slice(6, 9).map((a) => a.address)
    for (const verifier of verifiers) await setVerifier(governor, connection.publicClient, contracts.challenges, verifier, true)
    const info = {
      rpcUrl: anvil.rpcUrl,
      chainId: anvil.chainId,
      registry: contracts.registry,
      staking: contracts.staking,
      vault: contracts.vault,
      escrow: contracts.escrow,
      challenges: contracts.challenges,
      usdc: contracts.stakeToken,
      governor: contracts.governor,
      verifiers,
      minBond: contracts.minBond.toString(),
      minStake: { C1: contracts.minStake.C1.toString(), C2: contracts.minStake.C2.toString(), C3: contracts.minStake.C3.toString() },
      challengeBond: contracts.challengeBond.toString(),
      verdictThreshold: contracts.verdictThreshold,
      deployBlock: contracts.deployBlock.toString(),
      anvilPid: anvil.pid,
      devKeysWarning: "anvil's public development keys: for this local chain only, never for real funds",
      accounts: anvil.accounts.map((a) => ({ address: a.address, devPrivateKey: a.devPrivateKey })),
    }
    if (values.json) process.stdout.write(`${JSON.stringify(info)}\n`)
    else {
      process.stdout.write(
        [
          `devnet running: ${info.rpcUrl} (chain ${info.chainId})`,
          `  registry   ${info.registry}`,
          `  staking    ${info.staking}`,
          `  vault      ${info.vault}`,
          `  escrow     ${info.escrow}`,
          `  challenges ${info.challenges} (governor: dev account 0; verifiers: dev accounts 6, 7, 8)`,
          `  USDC       ${info.usdc} (DemoUSDC, 6 decimals, the exogenous reserve token; 1,000,000 minted to each dev account)`,
          `  minimums   bond 1000 USDC; stake C1 100, C2 1000, C3 5000 USDC; challenge bond 100 USDC`,
          `accounts (${info.devKeysWarning}):`,
          ...info.accounts.map((a, i) => `  (${i}) ${a.address}  ${a.devPrivateKey}`),
          `export ETH_RPC_URL=${info.rpcUrl} CCP_REGISTRY=${info.registry}`,
          'Ctrl-C to stop.',
          '',
        ].join('\n'),
      )
    }
    const signal = await stopSignal
    if (!values.json) process.stderr.write(`\n${signal}: stopping anvil\n`)
    return 0
  } finally {
    await anvil.stop()
  }
}

function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.removeListener('SIGINT', stop)
      process.removeListener('SIGTERM', stop)
      resolve(signal)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}
