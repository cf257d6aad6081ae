import { startAnvil } from '../../evm/anvil.ts'
import { connectEvm, walletFor } from '../../evm/clients.ts'
import { deployContracts } from '../../evm/actions/deploy-contracts.ts'
import { BridgeError } from '../../../src/errors.ts'
import { parseCommandArgs, parseInteger } from '../args.ts'

const HELP = `ccp-bridge devnet [--port N] [--genesis-time ISO] [--json]

Starts anvil on 127.0.0.1 (port N, default: a free one), deploys CCPRegistry and AuditorStaking from dev account 0
(also the challenger and slasher), prints { rpcUrl, chainId, registry, staking, accounts } and runs until Ctrl-C or SIGTERM.
The accounts are anvil's well-known development accounts: their keys are public, for this local chain only.
`

/**
 * `ccp-bridge devnet`: a local chain with the registry deployed, until Ctrl-C/SIGTERM (then anvil is stopped).
 * @example ccp-bridge devnet --json   # prints one JSON line, then keeps running
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { port: { type: 'string' }, 'genesis-time': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 'ccp-bridge devnet')
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  const port = parseInteger('port', values.port)
  if (port !== undefined && port > 65_535) throw new BridgeError('BAD_ARGUMENTS', `--port expects 0..65535, got ${port}`)
  let timestamp: number | undefined
  if (values['genesis-time'] !== undefined) {
    const ms = Date.parse(values['genesis-time'])
    if (Number.isNaN(ms)) throw new BridgeError('BAD_ARGUMENTS', `--genesis-time expects an ISO 8601 time, got ${JSON.stringify(values['genesis-time'])}`)
    timestamp = Math.floor(ms / 1000)
  }
  const stopSignal = waitForStopSignal()
  const anvil = await startAnvil({ ...(port !== undefined ? { port } : {}), ...(timestamp !== undefined ? { timestamp } : {}) })
  try {
    const connection = await connectEvm(anvil.rpcUrl)
    const deployer = anvil.accounts[0]!
    const contracts = await deployContracts(walletFor(connection, deployer.devPrivateKey), connection.publicClient)
    const info = {
      rpcUrl: anvil.rpcUrl,
      chainId: anvil.chainId,
      registry: contracts.registry,
      staking: contracts.staking,
      challenger: contracts.challenger,
      slasher: contracts.slasher,
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
          `  challenger ${info.challenger} (dev account 0, also the slasher)`,
          `accounts (${info.devKeysWarning}):`,
          ...info.accounts.map((a, i) => `  (${i}) ${a.address}  ${a.devPrivateKey}`),
          `export ETH_RPC_URL=${info.rpcUrl}`,
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
