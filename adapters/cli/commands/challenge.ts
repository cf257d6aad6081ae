import { CHALLENGE_KINDS, openChallenge, resolveChallenge, submitVerdict } from '../../../src/bridge/challenge.ts'
import { uriDigest } from '../../../src/certificate/onchain.ts'
import { BridgeError } from '../../../src/errors.ts'
import type { ChallengeKind, ChallengeState, Hex } from '../../../src/ports.ts'
import { parseCommandArgs, quoteArgument } from '../args.ts'
import { printJson, writeOut } from '../output.ts'
import { amountText, certHashArgument, CHAIN_OPTIONS, connectRegistry, isoTime, signerFrom } from './chain-context.ts'

const HELP = `ccp-bridge challenge <open|verdict|resolve|status> [options]

  challenge open <certHash> --type TYPE [--evidence 0x…|ipfs://…] --challenger-key K
      posts the bond and challenges the certificate. TYPE: ${CHALLENGE_KINDS.join(', ')}.
      RESERVE_SHORTFALL is judged on chain at once (from what the vault backs); the others by the verifier panel
  challenge verdict <challengeId> (--uphold | --reject) --verifier-key K [--sender-key K]
      a registered verifier signs its EIP-712 verdict and sends it (or the sender does); the threshold decides
  challenge resolve <challengeId> --key K
      after the deadline, ends an undecided challenge: rejected by default
  challenge status <challengeId | certHash>
      a challenge, or every challenge of a certificate

Every command takes --rpc URL --registry ADDR [--json]. Exit 1 when the chain would refuse (with the reason).
`

/**
 * `ccp-bridge challenge open|verdict|resolve|status`.
 * @example ccp-bridge challenge open 0x18f5… --type RESERVE_SHORTFALL --challenger-key c.key --json
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      ...CHAIN_OPTIONS,
      type: { type: 'string' },
      evidence: { type: 'string' },
      'challenger-key': { type: 'string' },
      'verifier-key': { type: 'string' },
      'sender-key': { type: 'string' },
      key: { type: 'string' },
      uphold: { type: 'boolean' },
      reject: { type: 'boolean' },
    },
    'ccp-bridge challenge',
    { open: ['certHash'], verdict: ['challengeId'], resolve: ['challengeId'], status: ['challengeId|certHash'] },
  )
  const [sub, target] = positionals
  if (values.help || sub === undefined) {
    process.stdout.write(HELP)
    return values.help ? 0 : 2
  }
  switch (sub) {
    case 'open': {
      const certHash = certHashArgument(target)
      const kind = challengeKind(values.type)
      const evidence = evidenceHash(values.evidence)
      const challenger = await signerFrom(values['challenger-key'], 'challenger-key')
      const registry = await connectRegistry(values)
      const { challenge, txHash, record } = await openChallenge({ registry, challenger, certHash, kind, ...(evidence ? { evidence } : {}) })
      const { stakeToken } = await registry.deployment()
      if (values.json) printJson({ ...challenge, txHash, certificateStatus: record.status })
      else writeOut(`challenge ${challenge.challengeId} ${challenge.state === 'OPEN' ? 'opened' : challenge.state} against ${certHash} (tx ${txHash})\n${describe(challenge, stakeToken)}  certificate  ${record.status}\n`)
      return 0
    }
    case 'verdict': {
      const challengeId = challengeIdArgument(target)
      if (values.uphold === values.reject) throw new BridgeError('BAD_ARGUMENTS', 'challenge verdict needs exactly one of --uphold or --reject')
      const verifier = await signerFrom(values['verifier-key'], 'verifier-key')
      const sender = values['sender-key'] !== undefined ? await signerFrom(values['sender-key'], 'sender-key') : undefined
      const registry = await connectRegistry(values)
      const { challenge, txHash } = await submitVerdict({ registry, verifier, ...(sender ? { sender } : {}), challengeId, upheld: values.uphold === true })
      const { stakeToken } = await registry.deployment()
      if (values.json) printJson({ ...challenge, txHash })
      else writeOut(`verdict of ${verifier.address}: ${values.uphold ? 'UPHOLD' : 'REJECT'} (tx ${txHash})\n${describe(challenge, stakeToken)}`)
      return 0
    }
    case 'resolve': {
      const challengeId = challengeIdArgument(target)
      const sender = await signerFrom(values.key, 'key')
      const registry = await connectRegistry(values)
      const { challenge, txHash } = await resolveChallenge({ registry, sender, challengeId })
      const { stakeToken } = await registry.deployment()
      if (values.json) printJson({ ...challenge, txHash })
      else writeOut(`challenge ${challengeId} resolved by default: ${challenge.state} (tx ${txHash})\n${describe(challenge, stakeToken)}`)
      return 0
    }
    case 'status': {
      if (target === undefined) throw new BridgeError('BAD_ARGUMENTS', 'missing the challenge id or the certHash')
      const registry = await connectRegistry(values)
      const { stakeToken } = await registry.deployment()
      const list = /^0x[0-9a-fA-F]{64}$/.test(target) ? await registry.challengesOf(certHashArgument(target)) : [await registry.challenge(challengeIdArgument(target))].filter((c): c is ChallengeState => c !== undefined)
      if (list.length === 0) {
        if (values.json) printJson({ challenges: [] })
        else writeOut(`no challenge ${target}\n`)
        return 1
      }
      if (values.json) printJson(/^0x/.test(target) ? { challenges: list } : list[0])
      else writeOut(list.map((c) => `challenge ${c.challengeId} against ${c.certHash}\n${describe(c, stakeToken)}`).join(''))
      return 0
    }
    default:
      throw new BridgeError('BAD_ARGUMENTS', `unknown challenge command ${JSON.stringify(sub)}`, { details: 'expected open, verdict, resolve or status' })
  }
}

function describe(c: ChallengeState, token: { symbol: string; decimals: number }): string {
  return [
    `  type         ${c.kind}`,
    `  state        ${c.state}${c.state === 'OPEN' ? ` until ${isoTime(c.deadline)} (${c.upholdVotes} uphold, ${c.rejectVotes} reject)` : ''}`,
    `  challenger   ${c.challenger}, bond ${amountText(c.bond, token)}`,
    ...(c.upholders.length > 0 ? [`  upheld by    ${c.upholders.join(', ')}`] : []),
    ...(c.rejecters.length > 0 ? [`  rejected by  ${c.rejecters.join(', ')}`] : []),
    '',
  ].join('\n')
}

function challengeKind(text: string | undefined): ChallengeKind {
  if (text === undefined) throw new BridgeError('BAD_ARGUMENTS', `challenge open needs --type (${CHALLENGE_KINDS.join(', ')})`)
  const kind = text.toUpperCase().replace(/-/g, '_')
  if (!(CHALLENGE_KINDS as readonly string[]).includes(kind)) throw new BridgeError('BAD_ARGUMENTS', `--type expects one of ${CHALLENGE_KINDS.join(', ')}, got ${quoteArgument(text)}`)
  return kind as ChallengeKind
}

function challengeIdArgument(text: string | undefined): bigint {
  if (text === undefined || !/^[1-9][0-9]{0,19}$/.test(text)) throw new BridgeError('BAD_ARGUMENTS', `expected a challenge id (a whole number from 1), got ${text === undefined ? 'nothing' : quoteArgument(text)}`)
  return BigInt(text)
}

/** `--evidence`: a 32-byte hash, or an ipfs:// URI (its sha2-256 digest is recorded). */
function evidenceHash(text: string | undefined): Hex | undefined {
  if (text === undefined) return undefined
  if (/^0x[0-9a-fA-F]{64}$/.test(text)) return text.toLowerCase() as Hex
  if (text.startsWith('ipfs://')) return uriDigest(text)
  throw new BridgeError('BAD_ARGUMENTS', `--evidence expects 0x + 64 hex digits or an ipfs://<CIDv1 raw sha2-256> URI, got ${quoteArgument(text)}`)
}
