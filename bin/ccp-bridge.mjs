#!/usr/bin/env node
// The `ccp-bridge` command: runs the TypeScript sources through tsx, so a checkout works after `npm ci`.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../adapters/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
