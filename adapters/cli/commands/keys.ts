import { BridgeError } from '../../../src/errors.ts'
import { apiKeyScopeSchema, type ApiKeyInfo, type ApiKeyScope } from '../../../src/schema/api-service.ts'
import { createApiKey, keyIdOf, listApiKeys, revokeApiKey } from '../../sql/api-keys.ts'
import { parseCommandArgs, quoteArgument, requirePositional } from '../args.ts'
import { cliDatabase } from '../database.ts'
import { printable, printJson, writeOut } from '../output.ts'

const HELP = `ccp-bridge keys create --name NAME [--scope SCOPE]... [--data-dir DIR] [--json]
ccp-bridge keys list [--data-dir DIR] [--json]
ccp-bridge keys revoke <id> [--data-dir DIR] [--json]
API keys of \`ccp-bridge serve\` (Authorization: Bearer <key>). The database keeps only a hash of each key; \`create\`
prints the key once. Scopes: trails:verify (POST /v1/trails/verify), trails:read (GET /v1/trails/{id}); default both.
A revoked key is refused from the next request on. The database is DATABASE_URL, else <data dir>/db (default
.ccp-bridge): with the embedded one, stop \`serve\` first (one process opens it at a time).
`

/** `ccp-bridge keys create | list | revoke`: see HELP. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      name: { type: 'string' },
      scope: { type: 'string', multiple: true },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    'ccp-bridge keys',
    { create: [], list: [], revoke: ['id'] },
  )
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  const sub = requirePositional(positionals, 0, 'a subcommand (create, list or revoke)')
  if (sub !== 'create' && sub !== 'list' && sub !== 'revoke') throw new BridgeError('BAD_ARGUMENTS', `unknown subcommand keys ${quoteArgument(sub)}`, { details: 'expected keys create, keys list or keys revoke <id>' })
  if (sub !== 'create' && (values.name !== undefined || values.scope !== undefined)) throw new BridgeError('BAD_ARGUMENTS', `keys ${sub} takes no --name or --scope`)
  // every argument is checked before the database is opened
  const scopes = sub === 'create' ? parseScopes(values.scope) : []
  const name = sub === 'create' ? parseName(values.name) : ''
  const id = sub === 'revoke' ? keyIdOf(requirePositional(positionals, 1, 'the id of the key to revoke')) : ''
  const db = await cliDatabase({ dataDir: values['data-dir'] })

  if (sub === 'create') {
    const { token, key } = await createApiKey(db, { name, scopes })
    if (values.json) printJson({ key, token })
    else writeOut(`created API key ${key.id} (${printable(key.name)}), scopes ${key.scopes.join(', ')}\nthe key (shown once: store it now, it cannot be shown again):\n${token}\n`)
    return 0
  }
  if (sub === 'list') {
    const keys = await listApiKeys(db)
    if (values.json) printJson({ keys })
    else writeOut(keys.length === 0 ? 'no API keys (create one with `ccp-bridge keys create --name NAME`)\n' : `${keys.map(describe).join('\n')}\n`)
    return 0
  }
  const key = await revokeApiKey(db, id)
  if (!key) throw new BridgeError('KEY_NOT_FOUND', `no API key ${id}`, { details: 'run `ccp-bridge keys list` for the ids' })
  if (values.json) printJson({ key })
  else writeOut(`revoked API key ${key.id} (${printable(key.name)}) at ${key.revokedAt}\n`)
  return 0
}

function parseScopes(given: string[] | undefined): ApiKeyScope[] {
  if (given === undefined) return ['trails:verify', 'trails:read']
  return given.map((scope) => {
    const parsed = apiKeyScopeSchema.safeParse(scope)
    if (!parsed.success) throw new BridgeError('BAD_ARGUMENTS', `--scope expects ${apiKeyScopeSchema.options.join(' or ')}, got ${quoteArgument(scope)}`)
    return parsed.data
  })
}

function parseName(name: string | undefined): string {
  if (name === undefined) throw new BridgeError('BAD_ARGUMENTS', 'keys create needs --name NAME (who or what uses the key, for `keys list`)')
  if (!/^[\p{L}\p{N} ._@:/-]{1,64}$/u.test(name)) throw new BridgeError('BAD_ARGUMENTS', `--name expects 1 to 64 letters, digits, spaces or . _ @ : / -, got ${quoteArgument(name)}`)
  return name
}

function describe(key: ApiKeyInfo): string {
  const state = key.revokedAt ? `REVOKED ${key.revokedAt}` : 'active'
  return `${key.id}  ${printable(key.name).padEnd(20)}  ${key.scopes.join(',').padEnd(25)}  created ${key.createdAt}  ${state}  last used ${key.lastUsedAt ?? 'never'}`
}
