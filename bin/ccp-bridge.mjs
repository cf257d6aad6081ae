#!/usr/bin/env node
// The `ccp-bridge` command: runs the TypeScript sources through tsx, so a checkout works after `npm ci`.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../adapters/cli/main.ts')
const code = await main(process.argv.slice(2))
// Exit as soon as the command is done: client libraries (@polkadot/api, viem) may keep timers alive after disconnecting.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)))
