#!/usr/bin/env node
// The `ccp-bridge` command: runs the compiled JavaScript in dist/ (built by `npm ci` through the `prepare` script).
// `--version` answers before anything else is loaded, so it costs no more than starting Node.
import { readFileSync } from 'node:fs'

const args = process.argv.slice(2)
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`${version}\n`)
} else {
  let main
  try {
    ;({ main } = await import('../dist/adapters/cli/main.js'))
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist')) throw error
    process.stderr.write('error: ccp-bridge is not built: dist/ is missing. Run `npm run build` (npm ci and npm install run it).\n')
    process.exit(2)
  }
  const code = await main(args)
  // Exit as soon as the command is done: client libraries (@polkadot/api, viem) may keep timers alive after disconnecting.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)))
}
