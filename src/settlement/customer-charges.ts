/** What the chain says a customer was charged in the era, read in event order. */
export type ChainCharge = {
  charged: bigint
  expectedToCharge: bigint
  indebted: bigint
  /** some charge was not made in full (ChargedPartially, a failed charge, or `Indebted` alone) */
  partial: boolean
  /** a charge failed: `ChargeError`, then `Indebted` for the whole amount */
  failed: boolean
  /** Charged, ChargedPartially / ChargeFailed and ChargeError events */
  events: number
  /** how these events differ from what the runtime emits (order, amounts) */
  anomalies: string[]
}

/** An `Indebted` waiting for its `ChargedPartially`, or a charge event waiting for its `Indebted`. */
type Pending = { kind: 'debt'; amount: bigint } | { kind: 'awaitDebt'; amount: bigint; after: string }

/** The customers' charges of an era, fed in event order (spec rule 6). */
export type ChargeLedger = {
  charged(customer: string, amount: bigint): void
  chargedPartially(customer: string, charged: bigint, expected: bigint, method: string): void
  chargeError(customer: string, amount: bigint): void
  indebted(customer: string, amount: bigint): void
  /** settles what is still pending and returns every customer's charge */
  close(): Map<string, ChainCharge>
}

/**
 * Pairs a customer's charge events as the runtime emits them: `Charged { amount }` for a full charge; when the deposit
 * is short, `Indebted { expected − charged }` first, then `ChargedPartially { charged, expected_to_charge }` only when
 * something was charged (`Indebted` alone: charged nothing); a failed charge is `ChargeError { amount }` then
 * `Indebted` for the whole amount. Events out of that order or with amounts that do not add up are kept, and named.
 * @example const ledger = chargeLedger(); ledger.indebted(c, 600n); ledger.chargedPartially(c, 400n, 1000n, 'ChargedPartially'); ledger.close()
 */
export function chargeLedger(): ChargeLedger {
  const charges = new Map<string, ChainCharge>()
  const pending = new Map<string, Pending>()
  const of = (customer: string): ChainCharge => {
    let charge = charges.get(customer)
    if (!charge) charges.set(customer, (charge = { charged: 0n, expectedToCharge: 0n, indebted: 0n, partial: false, failed: false, events: 0, anomalies: [] }))
    return charge
  }
  const settle = (customer: string) => {
    const waiting = pending.get(customer)
    if (!waiting) return
    pending.delete(customer)
    const charge = of(customer)
    if (waiting.kind === 'debt') {
      // `Indebted` with no ChargedPartially after it: the deposit allowed nothing, the whole charge is debt
      charge.indebted += waiting.amount
      charge.expectedToCharge += waiting.amount
      charge.partial = true
    } else if (waiting.after === 'ChargeError') {
      charge.anomalies.push(`ChargeError for ${waiting.amount} with no Indebted after it (the runtime records the whole amount as debt)`)
    }
  }
  return {
    charged(customer, amount) {
      settle(customer)
      const charge = of(customer)
      charge.charged += amount
      charge.expectedToCharge += amount
      charge.events += 1
    },
    chargedPartially(customer, charged, expected, method) {
      const waiting = pending.get(customer)
      const charge = of(customer)
      charge.charged += charged
      charge.expectedToCharge += expected
      charge.partial = true
      charge.events += 1
      if (method === 'ChargedPartially' && charged === 0n) charge.anomalies.push('ChargedPartially of 0 (the runtime emits it only when something was charged)')
      if (waiting?.kind === 'debt') {
        pending.delete(customer)
        charge.indebted += waiting.amount
        if (waiting.amount !== expected - charged) charge.anomalies.push(`Indebted ${waiting.amount} before ${method}, but ${expected} − ${charged} = ${expected - charged}`)
        return
      }
      settle(customer)
      charge.anomalies.push(`${method} without an Indebted before it (the runtime emits Indebted first)`)
      pending.set(customer, { kind: 'awaitDebt', amount: expected - charged, after: method })
    },
    chargeError(customer, amount) {
      settle(customer)
      const charge = of(customer)
      charge.expectedToCharge += amount
      charge.partial = true
      charge.failed = true
      charge.events += 1
      pending.set(customer, { kind: 'awaitDebt', amount, after: 'ChargeError' })
    },
    indebted(customer, amount) {
      const waiting = pending.get(customer)
      const charge = of(customer)
      if (waiting?.kind === 'awaitDebt') {
        pending.delete(customer)
        charge.indebted += amount
        if (amount !== waiting.amount) charge.anomalies.push(`Indebted ${amount} after ${waiting.after}, expected ${waiting.amount}`)
        return
      }
      settle(customer)
      pending.set(customer, { kind: 'debt', amount })
    },
    close() {
      for (const customer of [...pending.keys()]) settle(customer)
      return charges
    },
  }
}
