import { BridgeError } from '../../src/errors.ts'
import { parseJson } from '../../src/json/parse-json.ts'
import type { GrantInput, GrantSource } from '../../src/ports.ts'
import { readGrantSources } from '../files/grants.ts'

/**
 * GAR grants from files: one grant per file (envelope or seed 000's expanded form), a JSON array of grants,
 * `{ "agreements": [...] }`, or a folder of such .json files (read in name order). Each grant keeps its exact text;
 * the use case checks each one's signature, agent and status.
 * @example const grants = await fileGrantSource(['grants/']).agreements(agentKey)
 */
export function fileGrantSource(paths: string[]): GrantSource {
  return {
    description: `grant files ${paths.join(', ')}`,
    async agreements() {
      const out: GrantInput[] = []
      for (const path of paths) {
        for (const source of await readGrantSources(path)) {
          if (source.path === '$') requireGrantShape(source.text, source.file!)
          out.push({ text: source.text, origin: source.path === '$' ? source.file! : `${source.file} at ${source.path}` })
        }
      }
      return out
    },
  }
}

/** A file holding one value that is not a grant (no `signature` member) is refused here, naming the accepted shapes. */
function requireGrantShape(text: string, file: string): void {
  const value = parseJson(text, { file })
  if (value !== null && typeof value === 'object' && 'signature' in value) return
  throw new BridgeError('GRANTS_SHAPE', 'expected a grant envelope {payload, signature} or an expanded grant with "signature", an array of them, or {"agreements": [...]}', { file, path: '$' })
}
