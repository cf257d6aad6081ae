import { toCereAddress } from '../../src/crypto/ss58.ts'
import type { EraEventLine } from '../../src/schema/settlement.ts'

/** The parts of a @polkadot/api codec this file reads. */
export type CodecLike = { toRawType(): string; toU8a(isBare?: boolean): Uint8Array; toString(): string; toJSON(): unknown }
/** The parts of a decoded `frame_system::EventRecord` this file reads. */
type FieldLike = { name: { isSome: boolean; unwrap(): { toString(): string } } }
export type EventRecordLike = {
  event: { section: string; method: string; meta: { fields: Iterable<FieldLike> }; data: ArrayLike<CodecLike> }
}

/** The pallets whose events an era's reconciliation reads (section names as @polkadot/api spells them). */
export const SETTLEMENT_SECTIONS = new Set(['ddcPayouts', 'ddcClusters', 'ddcCustomers', 'ddcVerification'])

/**
 * A decoded event record as one line of the events file: data keys are the field names of the node's metadata,
 * accounts are Cere SS58, integers wider than 32 bits are decimal strings, hashes are 0x-hex.
 * @example eventRecordLine(record, 2317421, 3) // { block, index, section: 'ddcPayouts', method: 'Charged', data: {…} }
 */
export function eventRecordLine(record: EventRecordLike, block: number, index: number): EraEventLine {
  const { event } = record
  const data: Record<string, unknown> = {}
  Array.from(event.meta.fields).forEach((field, i) => {
    const name = field.name.isSome ? field.name.unwrap().toString() : String(i)
    data[name] = plainValue(event.data[i]!)
  })
  return { block, index, section: event.section, method: event.method, data }
}

/**
 * A codec as plain JSON, by its type: accounts as SS58 (54), integers above 32 bits as decimal strings, the rest as toJSON.
 * @example plainValue(event.data[4]) // '123456789012345678901'
 */
export function plainValue(codec: CodecLike): unknown {
  const type = codec.toRawType()
  if (type === 'AccountId32' || type === 'AccountId') return toCereAddress(codec.toU8a(true))
  if (/^(u|i)(8|16|32)$/.test(type)) return Number(codec.toString())
  if (/^(u|i)(64|128|256)$/.test(type) || type === 'Perquintill' || type === 'Perbill' || type === 'Balance' || /^Compact</.test(type)) return codec.toString()
  if (Array.isArray(codec)) return (codec as unknown as CodecLike[]).map(plainValue)
  return codec.toJSON()
}
