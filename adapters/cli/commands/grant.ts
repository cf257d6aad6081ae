import { BridgeError } from '../../../src/errors.ts'
import { verifyGrant } from '../../../src/consent/verify-grant.ts'
import { scopeLabel } from '../../../src/consent/scope.ts'
import { sr25519Ready } from '../../../src/crypto/sr25519.ts'
import type { GrantVerification } from '../../../src/schema/evidence-grant.ts'
import { readGrantSources } from '../../files/grants.ts'
import { parseCommandArgs, parseNow, requirePositional } from '../args.ts'
import { printable, printJson, writeOut } from '../output.ts'

const USAGE = `Usage: ccp-bridge grant verify <file or folder> [--now ISO] [--json]

Checks GAR consent grants: the signature over the exact payload bytes by the grant's user_pub_key, and the status
at --now (active | expired | not_yet_valid | revoked). Exit 0 when every grant is signed and active, 1 otherwise,
2 for unreadable input.
`

/**
 * `ccp-bridge grant verify <file>`: exit 0 only when every grant's signature holds and it is active at `--now`.
 * @example await run(['verify', 'grant.json', '--json'])
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { now: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 'ccp-bridge grant', { verify: ['file'] })
  if (values.help) {
    process.stdout.write(USAGE)
    return 0
  }
  const sub = requirePositional(positionals, 0, 'subcommand (verify)')
  if (sub !== 'verify') throw new BridgeError('BAD_ARGUMENTS', `unknown subcommand grant ${JSON.stringify(sub)}`, { details: 'expected: grant verify <file>' })
  const file = requirePositional(positionals, 1, 'grant file or folder')
  const now = parseNow(values.now)
  await sr25519Ready()
  const sources = await readGrantSources(file)
  if (sources.length === 0) throw new BridgeError('INPUT_EMPTY', 'no grants found', { file })
  const results = sources.map((source) => ({ source, result: verifyGrant(source, now) }))
  const ok = results.every(({ result }) => result.signatureValid && result.status === 'active')
  if (values.json) {
    const view = (r: GrantVerification, s: { file?: string; path?: string }) => ({ file: s.file, path: s.path, ...r })
    printJson(results.length === 1 ? view(results[0]!.result, results[0]!.source) : { ok, grants: results.map(({ result, source }) => view(result, source)) })
  } else {
    for (const { source, result } of results) writeOut(describe(result, `${printable(source.file ?? '')}${source.path && source.path !== '$' ? ` ${printable(source.path)}` : ''}`, now))
  }
  return ok ? 0 : 1
}

function describe(r: GrantVerification, where: string, now: Date): string {
  const verdict = r.signatureValid && r.status === 'active' ? 'OK' : 'NOT OK'
  const lines = [
    `${where}: ${verdict}`,
    `  signature  ${r.signatureValid ? 'valid' : 'INVALID'} (${r.form} form, signer ${r.signerAddress})`,
    `  status     ${r.status} at ${now.toISOString()} (created ${printable(r.grant.created_at)}, expires ${printable(r.grant.expires_at ?? 'never')}${r.grant.revoked ? ', revoked' : ''})`,
    `  agent      ${printable(r.grant.agent_service_pub_key)}`,
    `  scopes     ${r.scopes.map((s) => printable(scopeLabel(s))).join(', ') || '(none)'}`,
    `  hash       ${r.hash}`,
    ...r.reasons.map((reason) => `  reason     ${printable(reason)}`),
  ]
  return `${lines.join('\n')}\n`
}
