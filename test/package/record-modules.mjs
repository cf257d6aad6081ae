// `node --import ./record-modules.mjs …`: records the URL of every module the process resolves, one per line, into the
// file named by $RECORD_MODULES_FILE. A module.register resolve hook sees every ESM import (static and dynamic, of
// packages and of their files); at exit the CommonJS modules loaded through require() are added from the module cache.
// Test support for test/package/import-graph.test.ts.
import { appendFileSync } from 'node:fs'
import { createRequire, register } from 'node:module'
import { pathToFileURL } from 'node:url'

const file = process.env.RECORD_MODULES_FILE
if (!file) throw new Error('record-modules.mjs: set RECORD_MODULES_FILE')

const hook = `
import { appendFileSync } from 'node:fs'
let file
export function initialize(data) { file = data.file }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  appendFileSync(file, result.url + '\\n')
  return result
}
`
register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { file } })

const require = createRequire(import.meta.url)
process.on('exit', () => {
  const loaded = Object.keys(require.cache).map((path) => pathToFileURL(path).href)
  if (loaded.length > 0) appendFileSync(file, `${loaded.join('\n')}\n`)
})
