/**
 * `node --import tsx bench/json-strict.ts [--quick] [--records N]`: the cost of the strict JSON reader (src/json:
 * duplicate keys and lone surrogates refused) on the trail's hot path, printed as ratios against plain `JSON.parse` on
 * the same input, measured in the same run (no absolute numbers are asserted anywhere).
 *
 * The input is the hot path of `trail verify` on JSON Lines: 1,000,000 SCP records (--quick: 100,000), each read as one
 * line (the envelope) and its base64url-decoded payload, both parsed. Lines come from a pool of 10,000 distinct records
 * (distinct ids, times and amounts) built from fixtures/evidence/trail.jsonl, cycled. Rounds alternate plain and strict
 * and the median round counts. The overhead is also put next to what the same records cost to verify: three ed25519
 * signatures each, timed on one core with native crypto.verify in this run.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parseJson } from '../src/json/parse-json.ts'

const quick = process.argv.includes('--quick')
const recordsFlag = process.argv.indexOf('--records')
const records = recordsFlag > 0 ? Number(process.argv[recordsFlag + 1]) : quick ? 100_000 : 1_000_000
const ROUNDS = quick ? 3 : 5
const POOL = 10_000

/** Distinct SCP record lines and their payload texts, from the fixture records. */
function recordPool(): { lines: string[]; payloads: string[] } {
  const templates = readFileSync(new URL('../fixtures/evidence/trail.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.includes('"payload"'))
    .map((line) => JSON.parse(line) as { payload: string; signatures: unknown[] })
  const lines: string[] = []
  const payloads: string[] = []
  for (let i = 0; i < POOL; i++) {
    const template = templates[i % templates.length]!
    const payload = JSON.parse(Buffer.from(template.payload, 'base64url').toString('utf8')) as Record<string, unknown>
    payload.record_id = `bench-${i.toString().padStart(7, '0')}`
    payload.timestamp = new Date(Date.UTC(2026, 6, 2, 10, 0, 0) + i * 1000).toISOString().replace('.000', '')
    payload.bytes = 1000 + (i % 977)
    const text = JSON.stringify(payload)
    payloads.push(text)
    lines.push(JSON.stringify({ payload: Buffer.from(text).toString('base64url'), signatures: template.signatures }))
  }
  return { lines, payloads }
}

/** Seconds to parse `count` lines and their payloads with `parse`. */
function time(parse: (text: string) => unknown, pool: { lines: string[]; payloads: string[] }, count = records): number {
  const start = process.hrtime.bigint()
  let sink = 0
  for (let i = 0; i < count; i++) {
    const at = i % POOL
    sink += (parse(pool.lines[at]!) as object) ? 1 : 0
    sink += (parse(pool.payloads[at]!) as object) ? 1 : 0
  }
  if (sink !== 2 * count) throw new Error('unexpected parse result')
  return Number(process.hrtime.bigint() - start) / 1e9
}

/** Seconds one core takes for one native ed25519 verification (the trail's own per-signature cost). */
function ed25519VerifySeconds(): number {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const message = Buffer.from(recordPool().payloads[0]!)
  const signature = sign(null, message, privateKey)
  const n = quick ? 2_000 : 10_000
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) if (!verify(null, message, publicKey, signature)) throw new Error('signature does not verify')
  return Number(process.hrtime.bigint() - start) / 1e9 / n
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const fmt = (n: number) => Math.round(n).toLocaleString('en')

const pool = recordPool()
const strict = (text: string) => parseJson(text)
time(JSON.parse, pool, POOL) // warm up both paths
time(strict, pool, POOL)
const plainRounds: number[] = []
const strictRounds: number[] = []
for (let round = 0; round < ROUNDS; round++) {
  plainRounds.push(time(JSON.parse, pool))
  strictRounds.push(time(strict, pool))
}
const plain = median(plainRounds)
const checked = median(strictRounds)
const perRecordOverhead = (checked - plain) / records
const verifyPerRecord = 3 * ed25519VerifySeconds()
const bytes = pool.lines.reduce((sum, line, i) => sum + line.length + pool.payloads[i]!.length, 0) / POOL

console.log(`strict JSON reader on the trail hot path${quick ? ' (--quick)' : ''}: ${fmt(records)} SCP records (${fmt(bytes)} characters each: the JSON Lines line and its decoded payload), node ${process.version}`)
console.log(`  plain JSON.parse      ${fmt(records / plain)} records/s (median of ${ROUNDS} rounds)`)
console.log(`  strict parseJson      ${fmt(records / checked)} records/s`)
console.log(`  ratio strict / plain  ${(checked / plain).toFixed(2)}× the time of JSON.parse on the same input`)
console.log(`  overhead per record   ${(perRecordOverhead * 1e6).toFixed(2)} µs = ${((100 * perRecordOverhead) / verifyPerRecord).toFixed(2)}% of verifying its 3 ed25519 signatures on one core (${(verifyPerRecord * 1e6).toFixed(0)} µs)`)
