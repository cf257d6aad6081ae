import { BridgeError } from '../errors.ts'
import { publicKeyFromText, toCereAddress } from '../crypto/ss58.ts'
import { describeEventSource, type LocatedEvent } from './event-lines.ts'

/** What the chain says a customer was charged in the era. */
export type ChainCharge = { charged: bigint; expectedToCharge: bigint; indebted: bigint; partial: boolean; events: number }
/** What the chain says a provider was rewarded in the era. */
export type ChainReward = { rewarded: bigint; expectedToReward: bigint; notDistributed: bigint; events: number }
/** A validator's commitment of the era's payers/payees Merkle roots. */
export type FingerprintCommit = { validator: string; roots: string; position: number }

/** Everything the chain's events say about one cluster's era, amounts as bigint, accounts as Cere SS58. */
export type EraChainFacts = {
  charges: Map<string, ChainCharge>
  rewards: Map<string, ChainReward>
  fees: { treasury?: bigint; validators?: bigint; cluster_reserve?: bigint }
  validatorRewards: Map<string, bigint>
  /**
   * what stayed in the era's payout vault: NotDistributedOverallReward's expected_reward − total_distributed_rewards
   * (the runtime computes it as collected − fees − distributed). A provider's NotDistributedReward is what the vault
   * could not pay (it ran dry), money it never held: it is in that provider's `notDistributed`, not here.
   */
  undistributed: bigint
  commits: FingerprintCommit[]
  /** the (block, index) position of the first payout step of the era (initialisation or charging), if any */
  payoutStart: number | undefined
  /** the validator set announced by `ValidatorsSetUpdated` last before the payout began (else the first one after), if any */
  validatorSet: string[] | undefined
  receiptFinalized: boolean
  closed: boolean
  deposits: Map<string, bigint>
}

/** Event names of both generations of the DdcPayouts pallet, mapped to one meaning. */
const PAYOUT_METHODS: Record<string, string> = {
  PayoutInitialized: 'start',
  BillingReportInitialized: 'start',
  ChargingStarted: 'start',
  Charged: 'charged',
  ChargedPartially: 'chargedPartially',
  ChargeFailed: 'chargedPartially',
  Indebted: 'indebted',
  TreasuryFeesCollected: 'treasuryFee',
  ValidatorFeesCollected: 'validatorFee',
  ClusterReserveFeesCollected: 'reserveFee',
  Rewarded: 'rewarded',
  ProviderRewarded: 'rewarded',
  ValidatorRewarded: 'validatorRewarded',
  NotDistributedReward: 'notDistributed',
  NotDistributedOverallReward: 'notDistributedOverall',
  PayoutReceiptFinalized: 'finalized',
  BillingReportFinalized: 'finalized',
  PayoutFingerprintCommited: 'commit',
  BillingFingerprintCommited: 'commit',
}

/**
 * Orders events: block first, then index in the block (one number, for comparisons).
 * @example eventPosition({ block: 3, index: 2 }) // 300002
 */
export function eventPosition(event: { block: number; index: number }): number {
  return event.block * 100_000 + event.index
}

/**
 * Reads the era's facts from decoded events: charges, debts, fees, rewards, commitments, closure.
 * Events of other clusters or eras are ignored; a known event with a malformed field is a BridgeError naming it.
 * @example const facts = eraChainFacts(events, '0x…', 412); facts.closed
 */
export function eraChainFacts(events: ReadonlyArray<LocatedEvent>, clusterId: string, era: number): EraChainFacts {
  const facts: EraChainFacts = {
    charges: new Map(),
    rewards: new Map(),
    fees: {},
    validatorRewards: new Map(),
    undistributed: 0n,
    commits: [],
    payoutStart: undefined,
    validatorSet: undefined,
    receiptFinalized: false,
    closed: false,
    deposits: new Map(),
  }
  const cluster = clusterId.toLowerCase()
  const sorted = [...events].sort((a, b) => eventPosition(a) - eventPosition(b))
  for (const event of sorted) {
    const read = fieldReader(event)
    const section = event.section.charAt(0).toLowerCase() + event.section.slice(1)
    if (section === 'ddcVerification' && event.method === 'ValidatorsSetUpdated') {
      // the set in force when the payout began: a later announcement does not change who had to agree
      const announced = read.accounts('validators')
      if (facts.payoutStart === undefined || facts.validatorSet === undefined) facts.validatorSet = announced
      continue
    }
    if (!('cluster_id' in event.data)) continue
    if (read.hex('cluster_id') !== cluster) continue
    if (section === 'ddcClusters') {
      if (event.method === 'ClusterEraPaid' && read.integer('era_id', 'era') === era) facts.closed = true
      continue
    }
    if (section === 'ddcCustomers') {
      if (event.method === 'Deposited') {
        const owner = read.account('owner_id')
        facts.deposits.set(owner, (facts.deposits.get(owner) ?? 0n) + read.amount('amount'))
      }
      continue
    }
    if (section !== 'ddcPayouts') continue
    const meaning = PAYOUT_METHODS[event.method]
    if (meaning === undefined) continue
    if (read.integer('era', 'era_id') !== era) continue
    const position = eventPosition(event)
    if ((meaning === 'start' || meaning === 'charged' || meaning === 'chargedPartially') && facts.payoutStart === undefined) facts.payoutStart = position
    switch (meaning) {
      case 'charged': {
        const charge = chargeOf(facts, read.account('customer_id'))
        const amount = read.amount('amount')
        charge.charged += amount
        charge.expectedToCharge += amount
        charge.events += 1
        break
      }
      case 'chargedPartially': {
        const charge = chargeOf(facts, read.account('customer_id'))
        charge.charged += read.amount('charged')
        charge.expectedToCharge += read.amount('expected_to_charge')
        charge.partial = true
        charge.events += 1
        break
      }
      case 'indebted': {
        const charge = chargeOf(facts, read.account('customer_id'))
        charge.indebted += read.amount('amount')
        break
      }
      case 'treasuryFee':
        facts.fees.treasury = (facts.fees.treasury ?? 0n) + read.amount('amount')
        break
      case 'validatorFee':
        facts.fees.validators = (facts.fees.validators ?? 0n) + read.amount('amount')
        break
      case 'reserveFee':
        facts.fees.cluster_reserve = (facts.fees.cluster_reserve ?? 0n) + read.amount('amount')
        break
      case 'rewarded': {
        const reward = rewardOf(facts, read.account('node_provider_id', 'provider_id'))
        reward.rewarded += read.amount('rewarded')
        reward.expectedToReward += read.amount('expected_to_reward')
        reward.events += 1
        break
      }
      case 'validatorRewarded': {
        const validator = read.account('validator_id')
        facts.validatorRewards.set(validator, (facts.validatorRewards.get(validator) ?? 0n) + read.amount('amount'))
        break
      }
      case 'notDistributed': {
        const reward = rewardOf(facts, read.account('node_provider_id', 'provider_id'))
        const missing = read.amount('expected_reward') - read.amount('distributed_reward')
        reward.notDistributed += missing > 0n ? missing : 0n
        break
      }
      case 'notDistributedOverall': {
        const missing = read.amount('expected_reward') - read.amount('total_distributed_rewards', 'total_distributed_reward')
        facts.undistributed += missing > 0n ? missing : 0n
        break
      }
      case 'finalized':
        facts.receiptFinalized = true
        break
      case 'commit':
        facts.commits.push({
          validator: read.account('validator_id'),
          roots: `${read.hex('payers_merkle_root')}/${read.hex('payees_merkle_root')}`,
          position,
        })
        break
    }
  }
  // a customer whose deposit allowed nothing gets only `Indebted` (the runtime emits ChargedPartially only when something
  // was charged): its whole charge is the debt
  for (const charge of facts.charges.values()) {
    if (charge.events === 0 && charge.indebted > 0n) {
      charge.expectedToCharge = charge.indebted
      charge.partial = true
    }
  }
  return facts
}

function chargeOf(facts: EraChainFacts, customer: string): ChainCharge {
  let charge = facts.charges.get(customer)
  if (!charge) facts.charges.set(customer, (charge = { charged: 0n, expectedToCharge: 0n, indebted: 0n, partial: false, events: 0 }))
  return charge
}

function rewardOf(facts: EraChainFacts, provider: string): ChainReward {
  let reward = facts.rewards.get(provider)
  if (!reward) facts.rewards.set(provider, (reward = { rewarded: 0n, expectedToReward: 0n, notDistributed: 0n, events: 0 }))
  return reward
}

/** Typed access to an event's data fields; a missing or malformed field is a BridgeError naming the event and field. */
function fieldReader(event: LocatedEvent) {
  const where = { file: event.file, path: undefined as string | undefined }
  const name = `${event.section}.${event.method}`
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new BridgeError('EVENT_FIELD_INVALID', `${describeEventSource(event)}: ${name} data.${field}: expected ${expected}, got ${JSON.stringify(value) ?? 'nothing (missing)'}`, {
      ...where,
      path: `$.data.${field}`,
    })
  }
  const pick = (names: string[]): [string, unknown] => {
    for (const field of names) if (field in event.data) return [field, event.data[field]]
    return [names[0]!, undefined]
  }
  return {
    amount(...names: string[]): bigint {
      const [field, value] = pick(names)
      if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value)
      if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
      return fail(field, 'an amount in planck (a decimal string)', value)
    },
    integer(...names: string[]): number {
      const [field, value] = pick(names)
      if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value
      if (typeof value === 'string' && /^\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value)
      return fail(field, 'a whole number', value)
    },
    hex(...names: string[]): string {
      const [field, value] = pick(names)
      if (typeof value === 'string' && /^0x[0-9a-fA-F]*$/.test(value)) return value.toLowerCase()
      return fail(field, '0x-hex bytes', value)
    },
    account(...names: string[]): string {
      const [field, value] = pick(names)
      if (typeof value !== 'string') return fail(field, 'an SS58 address (prefix 54) or a 0x-hex public key', value)
      try {
        return toCereAddress(publicKeyFromText(value))
      } catch {
        return fail(field, 'an SS58 address (prefix 54) or a 0x-hex public key', value)
      }
    },
    accounts(...names: string[]): string[] {
      const [field, value] = pick(names)
      if (!Array.isArray(value)) return fail(field, 'a list of accounts', value)
      return value.map((item, i) => {
        try {
          if (typeof item !== 'string') throw new Error('not text')
          return toCereAddress(publicKeyFromText(item))
        } catch {
          return fail(`${field}[${i}]`, 'an SS58 address (prefix 54) or a 0x-hex public key', item)
        }
      })
    },
  }
}
