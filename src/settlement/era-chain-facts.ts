import { chargeLedger, type ChainCharge } from './customer-charges.ts'
import { eventFields } from './event-fields.ts'
import { refuseRepeatedEvents } from './repeated-events.ts'
import type { LocatedEvent } from './event-lines.ts'

export type { ChainCharge } from './customer-charges.ts'
/** What the chain says a provider was rewarded in the era. */
export type ChainReward = {
  rewarded: bigint
  expectedToReward: bigint
  /** what `NotDistributedReward` events say the vault could not pay (expected_reward − distributed_reward) */
  notDistributed: bigint
  notDistributedEvents: number
  events: number
}
/** A staker's `ValidatorRewarded` amounts, and whether one came after `ValidatorFeesCollected`. */
export type ChainValidatorReward = { amount: bigint; events: number; afterFee: boolean }
/** A validator's commitment of the era's payers/payees Merkle roots. */
export type FingerprintCommit = { validator: string; roots: string; position: number }

/** Everything the chain's events say about one cluster's era, amounts as bigint, accounts as Cere SS58. */
export type EraChainFacts = {
  charges: Map<string, ChainCharge>
  rewards: Map<string, ChainReward>
  fees: { treasury?: bigint; validators?: bigint; cluster_reserve?: bigint }
  validatorRewards: Map<string, ChainValidatorReward>
  /**
   * `NotDistributedOverallReward`: expected_reward − total_distributed_rewards, what the era left in the shared vault
   * beyond `MaxDust` (undefined when no such event). It stays in the vault; conservation uses the rewards themselves.
   */
  vaultRemainder: bigint | undefined
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
  ChargeError: 'chargeError',
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
 * @example eventPosition({ block: 3, index: 2 }) // 3145730 (3 × 2^20 + 2)
 */
export function eventPosition(event: { block: number; index: number }): number {
  return event.block * 1_048_576 + event.index
}

/**
 * Reads the era's facts from decoded events: charges, debts, fees, rewards, commitments, closure.
 * Events of other clusters or eras are ignored; the same (block, index) twice, or a known event with a malformed field,
 * is a BridgeError naming it.
 * @example const facts = eraChainFacts(events, '0x…', 412); facts.closed
 */
export function eraChainFacts(events: ReadonlyArray<LocatedEvent>, clusterId: string, era: number): EraChainFacts {
  refuseRepeatedEvents(events)
  const facts: EraChainFacts = {
    charges: new Map(),
    rewards: new Map(),
    fees: {},
    validatorRewards: new Map(),
    vaultRemainder: undefined,
    commits: [],
    payoutStart: undefined,
    validatorSet: undefined,
    receiptFinalized: false,
    closed: false,
    deposits: new Map(),
  }
  const charges = chargeLedger()
  const cluster = clusterId.toLowerCase()
  const sorted = [...events].sort((a, b) => eventPosition(a) - eventPosition(b))
  for (const event of sorted) {
    const read = eventFields(event)
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
    if ((meaning === 'start' || meaning === 'charged' || meaning === 'chargedPartially' || meaning === 'chargeError') && facts.payoutStart === undefined) facts.payoutStart = position
    switch (meaning) {
      case 'charged':
        charges.charged(read.account('customer_id'), read.amount('amount'))
        break
      case 'chargedPartially':
        charges.chargedPartially(read.account('customer_id'), read.amount('charged'), read.amount('expected_to_charge'), event.method)
        break
      case 'chargeError':
        charges.chargeError(read.account('customer_id'), read.amount('amount'))
        break
      case 'indebted':
        charges.indebted(read.account('customer_id'), read.amount('amount'))
        break
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
        const staker = read.account('validator_id')
        const paid = facts.validatorRewards.get(staker) ?? { amount: 0n, events: 0, afterFee: false }
        paid.amount += read.amount('amount')
        paid.events += 1
        // the runtime pays every staker, then emits ValidatorFeesCollected
        if (facts.fees.validators !== undefined) paid.afterFee = true
        facts.validatorRewards.set(staker, paid)
        break
      }
      case 'notDistributed': {
        const reward = rewardOf(facts, read.account('node_provider_id', 'provider_id'))
        const missing = read.amount('expected_reward') - read.amount('distributed_reward')
        reward.notDistributed += missing > 0n ? missing : 0n
        reward.notDistributedEvents += 1
        break
      }
      case 'notDistributedOverall': {
        const missing = read.amount('expected_reward') - read.amount('total_distributed_rewards', 'total_distributed_reward')
        facts.vaultRemainder = (facts.vaultRemainder ?? 0n) + (missing > 0n ? missing : 0n)
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
  facts.charges = charges.close()
  return facts
}

function rewardOf(facts: EraChainFacts, provider: string): ChainReward {
  let reward = facts.rewards.get(provider)
  if (!reward) facts.rewards.set(provider, (reward = { rewarded: 0n, expectedToReward: 0n, notDistributed: 0n, notDistributedEvents: 0, events: 0 }))
  return reward
}
