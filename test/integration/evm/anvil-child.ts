// Started by anvil-launcher.test.ts: starts anvil, prints its pid, then waits to be killed (SIGKILL, no cleanup).
import { startAnvil } from '../../../adapters/evm/anvil.ts'

const anvil = await startAnvil()
process.stdout.write(`${anvil.pid}\n`)
setInterval(() => {}, 60_000)
