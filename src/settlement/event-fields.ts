import { BridgeError } from '../errors.ts'
import { publicKeyFromText, toCereAddress } from '../crypto/ss58.ts'
import { describeEventSource, type LocatedEvent } from './event-lines.ts'

/** Typed access to one event's data fields (the first of several names that is present, for both generations). */
export type EventFields = {
  amount(...names: string[]): bigint
  integer(...names: string[]): number
  hex(...names: string[]): string
  account(...names: string[]): string
  accounts(...names: string[]): string[]
}

/**
 * Reads an event's data fields by name; a missing or malformed field is a BridgeError naming the event, its line or
 * block, and the field (`$.data.<field>`). Amounts are bigint, accounts Cere SS58, hex lower case.
 * @example const read = eventFields(event); read.amount('amount')
 */
export function eventFields(event: LocatedEvent): EventFields {
  const name = `${event.section}.${event.method}`
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new BridgeError('EVENT_FIELD_INVALID', `${describeEventSource(event)}: ${name} data.${field}: expected ${expected}, got ${JSON.stringify(value) ?? 'nothing (missing)'}`, {
      ...(event.file !== undefined ? { file: event.file } : {}),
      path: `$.data.${field}`,
    })
  }
  const pick = (names: string[]): [string, unknown] => {
    for (const field of names) if (field in event.data) return [field, event.data[field]]
    return [names[0]!, undefined]
  }
  const account = (field: string, value: unknown): string => {
    try {
      if (typeof value !== 'string') throw new Error('not text')
      return toCereAddress(publicKeyFromText(value))
    } catch {
      return fail(field, 'an SS58 address (prefix 54) or a 0x-hex public key', value)
    }
  }
  return {
    amount(...names) {
      const [field, value] = pick(names)
      if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value)
      if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
      return fail(field, 'an amount in planck (a decimal string)', value)
    },
    integer(...names) {
      const [field, value] = pick(names)
      if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value
      if (typeof value === 'string' && /^\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value)
      return fail(field, 'a whole number', value)
    },
    hex(...names) {
      const [field, value] = pick(names)
      if (typeof value === 'string' && /^0x[0-9a-fA-F]*$/.test(value)) return value.toLowerCase()
      return fail(field, '0x-hex bytes', value)
    },
    account(...names) {
      const [field, value] = pick(names)
      return account(field, value)
    },
    accounts(...names) {
      const [field, value] = pick(names)
      if (!Array.isArray(value)) return fail(field, 'a list of accounts', value)
      return value.map((item, i) => account(`${field}[${i}]`, item))
    },
  }
}
