#!/usr/bin/env node
// A `solc` executable for forge (foundry.toml `solc = ...`), backed by solc-js (npm `solc`, the same pinned compiler the
// compile step uses), so `forge build|test` runs offline without downloading a native solc.
// It answers the two calls forge makes: `--version` and `--standard-json` (Standard JSON on stdin, the answer on stdout).
// Imports that are not in the input are read from disk (relative to the working directory, then node_modules).
import { readFileSync, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'

const require = createRequire(import.meta.url)
const solc = require('solc')
const args = process.argv.slice(2)

/** Writes the whole text to stdout and exits only once it is flushed (a pipe may take it in several chunks). */
function answer(text, code = 0) {
  process.stdout.write(text, () => process.exit(code))
}

if (args.includes('--version')) {
  answer(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`)
} else if (args.includes('--standard-json')) {
  const chunks = []
  process.stdin.on('data', (chunk) => chunks.push(chunk))
  process.stdin.on('end', () => {
    const input = Buffer.concat(chunks).toString('utf8')
    const roots = [process.cwd(), ...pathArgs('--base-path'), ...pathArgs('--include-path'), join(process.cwd(), 'node_modules')]
    const findImports = (path) => {
      for (const root of roots) {
        const file = resolve(root, path)
        if (existsSync(file)) return { contents: readFileSync(file, 'utf8') }
      }
      return { error: `file not found: ${path}` }
    }
    answer(solc.compile(input, { import: findImports }))
  })
} else {
  process.stderr.write(`solc-forge: only --version and --standard-json are supported (got ${args.join(' ')})\n`)
  process.exit(2)
}

function pathArgs(flag) {
  const out = []
  for (let i = 0; i < args.length; i++) if (args[i] === flag && args[i + 1]) out.push(args[i + 1])
  return out
}
