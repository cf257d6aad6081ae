import { derivedMetricsSection } from '../../../src/certificate/derive.ts'
import { certificateHash, certificateUri } from '../../../src/certificate/hash.ts'
import { RULE_GROUPS } from '../../../src/certificate/rules/index.ts'
import { validateCertificate, type CertificateValidation } from '../../../src/certificate/validate.ts'
import { BridgeError } from '../../../src/errors.ts'
import type { Certificate, DerivedMetrics, DerivedMetricsSection } from '../../../src/schema/certificate.ts'
import { LIMITS } from '../../../src/limits.ts'
import { writeOutputFile } from '../../files/write-output.ts'
import { INTEGER_BOUNDS, parseCommandArgs, parseInteger, parseNow, requirePositional } from '../args.ts'
import { readJsonFile } from '../input.ts'
import { printable, printJson, writeOut } from '../output.ts'

const USAGE = `Usage:
  ccp-bridge cert validate <file> [--chain-id N] [--now ISO] [--json]   check every rule (exit 0 good, 1 broken, 2 cannot check)
  ccp-bridge cert derive <file> [--write] [--json]                      compute derived_metrics (--write puts them into the file;
                                                                        a symbolic link is written through to its target)
  ccp-bridge cert hash <file> [--json]                                  print the certHash and the ipfs:// URI of the file's bytes
`

/**
 * `ccp-bridge cert validate|derive|hash <file>`: checks, derives and hashes CCP v0.2.0 certificates.
 * @example await run(['validate', 'fixtures/certificates/valid-c2.json', '--json']) // 0
 */
export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write(USAGE)
    return sub === undefined ? 2 : 0
  }
  if (sub === 'validate') return validate(rest)
  if (sub === 'derive') return derive(rest)
  if (sub === 'hash') return hash(rest)
  throw new BridgeError('BAD_ARGUMENTS', `unknown cert command ${JSON.stringify(sub)}, expected validate, derive or hash`, { details: 'run `ccp-bridge cert --help`' })
}

/**
 * Exit 0: every rule holds. 1: the rules ran and at least one is broken (a schema error in a field no rule reads,
 * such as the seed example's placeholder signature, counts as broken). 2: the document could not be checked: unreadable,
 * empty, not JSON, not an object, or schema errors (wrong types, numbers out of range) in fields the rules read.
 */
async function validate(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { 'chain-id': { type: 'string' }, now: { type: 'string' }, json: { type: 'boolean' } }, 'ccp-bridge cert validate', ['file'])
  const file = requirePositional(positionals, 0, 'the certificate file (ccp-bridge cert validate <file>)')
  const now = parseNow(values.now)
  const chainId = parseInteger('chain-id', values['chain-id'], INTEGER_BOUNDS.chainId)
  const { value } = await readJsonFile(file, LIMITS.certificate)
  const result = validateCertificate(value, { chainId, now })
  if (values.json) {
    printJson({ valid: result.valid, status: result.status ?? null, errors: result.errors, derived: result.derived ?? null })
  } else {
    writeOut(formatValidation(file, result, now))
  }
  return !result.checked ? 2 : result.valid ? 0 : 1
}

/** The readable report: a verdict line, one ✓/✗ line per rule group with its violations, the derived metrics. */
function formatValidation(file: string, result: CertificateValidation, now: Date): string {
  const lines: string[] = []
  const count = `${result.errors.length} violation${result.errors.length === 1 ? '' : 's'}`
  const verdict = !result.checked ? `CANNOT CHECK (${count} of the schema)` : result.valid ? 'VALID' : `INVALID (${count})`
  lines.push(`${printable(file)}: ${verdict}${result.status ? `; status ${result.status} at ${now.toISOString()}` : ''}`)
  const width = Math.max(...result.errors.map((e) => e.code.length), 0)
  for (const group of RULE_GROUPS) {
    const found = result.errors.filter((e) => (group.codes as readonly string[]).includes(e.code))
    if (!result.checked && group.name !== 'schema') {
      lines.push(`  - ${group.name}: not checked (fix the schema errors first)`)
      continue
    }
    lines.push(`  ${found.length === 0 ? '✓' : '✗'} ${group.name}`)
    for (const e of found) lines.push(`      ${e.code.padEnd(width)}  ${printable(e.path)}  ${printable(e.message)}`)
  }
  if (result.derived) lines.push(`derived: ${formatDerived(result.derived)}`)
  return `${lines.join('\n')}\n`
}

function formatDerived(d: DerivedMetrics): string {
  const bound = d.containment_bound === null ? 'no containment bound (no agent-independent SPENDING_LIMIT)' : `containment bound ${printable(d.containment_bound)} ${printable(d.containment_bound_denomination ?? '')}`
  return `${bound}; ${d.agent_independent_layer_count} agent-independent, ${d.agent_influenceable_layer_count} agent-influenceable layers; class ${d.certificate_class}`
}

async function derive(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { write: { type: 'boolean' }, json: { type: 'boolean' } }, 'ccp-bridge cert derive', ['file'])
  const file = requirePositional(positionals, 0, 'the certificate file (ccp-bridge cert derive <file>)')
  const { value, text } = await readJsonFile(file, LIMITS.certificate)
  const result = checkedOrThrow(file, validateCertificate(value))
  const derived = result.derived!
  if (values.write) {
    let section: DerivedMetricsSection
    try {
      section = derivedMetricsSection(value as Certificate, derived)
    } catch (error) {
      if (!(error instanceof BridgeError)) throw error
      throw new BridgeError('DERIVE_NOT_WRITABLE', `cannot write derived_metrics: ${error.shortMessage}`, { file, path: error.path, kind: 'check', cause: error })
    }
    const doc = value as Record<string, unknown>
    doc.derived_metrics = section
    await writeOutputFile(file, `${JSON.stringify(doc, null, 2)}${text.endsWith('\n') ? '\n' : ''}`)
  }
  if (values.json) printJson(derived)
  else writeOut(`${printable(file)}: ${formatDerived(derived)}${values.write ? `\nwrote derived_metrics into ${printable(file)}` : ''}\n`)
  return 0
}

async function hash(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } }, 'ccp-bridge cert hash', ['file'])
  const file = requirePositional(positionals, 0, 'the certificate file (ccp-bridge cert hash <file>)')
  const { value, bytes } = await readJsonFile(file, LIMITS.certificate)
  checkedOrThrow(file, validateCertificate(value))
  const out = { certHash: certificateHash(value as Certificate), uri: certificateUri(bytes) }
  if (values.json) printJson(out)
  else writeOut(`certHash  ${out.certHash}\nuri       ${out.uri}\n`)
  return 0
}

/** derive and hash need the fields the rules read; otherwise the document cannot be used (exit 2). */
function checkedOrThrow(file: string, result: CertificateValidation): CertificateValidation {
  if (result.checked) return result
  const first = result.errors[0]!
  throw new BridgeError('CERTIFICATE_SCHEMA', `not a CCP v0.2.0 certificate: ${result.errors.length} schema error${result.errors.length === 1 ? '' : 's'}, first: ${first.message}`, {
    file,
    path: first.path,
    details: result.errors.map((e) => `${e.path}: ${e.message}`).join('; '),
  })
}
