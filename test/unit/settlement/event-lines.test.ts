import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { BridgeError } from '../../../src/errors.ts'
import { eraChainFacts } from '../../../src/settlement/era-chain-facts.ts'
import { parseEventLines, serializeEventLines } from '../../../src/settlement/event-lines.ts'
import { loadScenario, settlementFixtures } from './fixture-files.ts'

function thrown(fn: () => unknown): BridgeError {
  try {
    fn()
  } catch (error) {
    if (error instanceof BridgeError) return error
    throw error
  }
  throw new Error('expected a BridgeError')
}

describe('events files (JSON Lines)', () => {
  it('round-trips: serialize(parse(file)) is the file', () => {
    const text = readFileSync(`${settlementFixtures}balanced/events.jsonl`, 'utf8')
    expect(serializeEventLines(parseEventLines(text, 'events.jsonl'))).toBe(text)
  })
  it('a line that is not JSON names its line number', () => {
    const file = `${settlementFixtures}malformed/not-json.jsonl`
    const error = thrown(() => parseEventLines(readFileSync(file, 'utf8'), file))
    expect(error.code).toBe('EVENTS_LINE_NOT_JSON')
    expect(error.message).toContain('line 3 is not valid JSON')
    expect(error.file).toBe(file)
  })
  it('a line without a method names the line and the field', () => {
    const error = thrown(() => parseEventLines(readFileSync(`${settlementFixtures}malformed/missing-method.jsonl`, 'utf8'), 'm.jsonl'))
    expect(error.code).toBe('EVENTS_LINE_INVALID')
    expect(error.message).toContain('line 2')
    expect(error.path).toBe('$.method')
  })
  it('an amount that is not a decimal string names the line, event and field', () => {
    const s = loadScenario('balanced')
    const events = parseEventLines(readFileSync(`${settlementFixtures}malformed/bad-amount.jsonl`, 'utf8'), 'bad.jsonl')
    const error = thrown(() => eraChainFacts(events, s.usage.cluster_id, 412))
    expect(error.code).toBe('EVENT_FIELD_INVALID')
    expect(error.message).toMatch(/line \d+: ddcPayouts\.Charged data\.amount: expected an amount in planck \(a decimal string\), got "12\.5"/)
    expect(error.path).toBe('$.data.amount')
  })
  it('an account of another network is refused', () => {
    const line = JSON.stringify({ block: 1, index: 0, section: 'ddcPayouts', method: 'Charged', data: { cluster_id: '0x' + '00'.repeat(20), era: 1, batch_index: 0, customer_id: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY', amount: '1' } })
    const error = thrown(() => eraChainFacts(parseEventLines(line, 'x.jsonl'), '0x' + '00'.repeat(20), 1))
    expect(error.message).toContain('data.customer_id')
  })
  it('skips blank lines and keeps line numbers', () => {
    const events = parseEventLines('\n{"block":1,"index":0,"section":"ddcClusters","method":"ClusterEraPaid","data":{}}\n\n', 'f')
    expect(events).toHaveLength(1)
    expect(events[0]!.line).toBe(2)
  })
})
