/**
 * `npm run bench [-- --quick]`: signature verification speed and memory of the trail pipeline, printed as ratios
 * against one-core baselines measured in the same run (no absolute numbers are asserted anywhere).
 *
 * 1. baselines on one core: native crypto.verify (ed25519), @polkadot/util-crypto ed25519Verify, @polkadot/wasm-crypto sr25519Verify
 * 2. a DDC trail of 100,000 ed25519 records (3 signatures each) verified by the pipeline over every core (worker threads)
 * 3. a DDC trail of 20,000 sr25519 records (3 signatures each)
 * 4. a streamed trail of 1,000,000 records: peak RSS of the verifying process
 * 5. the same 1,000,000 records as ONE message (one ChallengeResponse proof holding every record as a leaf, as a node
 *    answers for a busy bucket): peak RSS, which must stay as flat as for many messages
 * Each trail is verified by the real `ccp-bridge trail verify --json` in its own process (timed from spawn to exit,
 * worker start-up included); trails are generated on the fly into a temporary folder.
 * --quick: a tenth of each size (the memory figure then says little about 1,000,000 records).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ed25519FromSeed } from '../src/crypto/ed25519.ts'
import { sr25519FromSeed, sr25519Ready } from '../src/crypto/sr25519.ts'
import { measureBaselines } from './verify-baselines.ts'
import { generateDdcTrail } from './verify-generate.ts'

const quick = process.argv.includes('--quick')
const scale = quick ? 0.1 : 1
const workers = availableParallelism()
const dir = mkdtempSync(join(tmpdir(), 'ccp-bridge-bench-'))
const bin = fileURLToPath(new URL('../bin/ccp-bridge.mjs', import.meta.url))
const rssHook = new URL('./verify-rss-hook.mjs', import.meta.url).href

type ChildResult = { records: number; signatures: number; valid: number; seconds: number; maxRssMiB: number }

/** Runs the real `ccp-bridge trail verify <file> --workers n --json` and reads its report, wall time and peak RSS. */
function verifyWithCli(file: string, n: number): ChildResult {
  const start = process.hrtime.bigint()
  const run = spawnSync(process.execPath, ['--import', rssHook, bin, 'trail', 'verify', file, '--workers', String(n), '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  if (run.status !== 0) throw new Error(`ccp-bridge trail verify ${file} exited ${run.status}: ${run.stderr.slice(0, 500)}`)
  const report = JSON.parse(run.stdout) as { records: number; signatures: number; valid: number }
  const peak = /ccp-bridge-bench-peak-rss-kib (\d+)/.exec(run.stderr)
  return { records: report.records, signatures: report.signatures, valid: report.valid, seconds, maxRssMiB: Number(peak?.[1] ?? Number.NaN) / 1024 }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en')
const ratio = (n: number) => `${n.toFixed(2)}×`

try {
  await sr25519Ready()
  console.log(`ccp-bridge verification benchmark${quick ? ' (--quick)' : ''}: ${workers} core(s), node ${process.version}\n`)
  const base = await measureBaselines(quick ? 1 : 2)
  console.log('baselines (one core, this run):')
  console.log(`  native crypto.verify ed25519          ${fmt(base.nativeEd25519)} signatures/s`)
  console.log(`  @polkadot/util-crypto ed25519Verify   ${fmt(base.polkadotEd25519)} signatures/s (JavaScript path)`)
  console.log(`  @polkadot/wasm-crypto sr25519Verify   ${fmt(base.wasmSr25519)} signatures/s\n`)

  const client = ed25519FromSeed(new Uint8Array(32).fill(71))
  const node = ed25519FromSeed(new Uint8Array(32).fill(72))
  const edCount = Math.round(100_000 * scale)
  const edFile = join(dir, 'ed25519.pb')
  generateDdcTrail(edFile, edCount, { client, node, chain: true })
  const ed = verifyWithCli(edFile, workers)
  const edRate = ed.signatures / ed.seconds
  console.log(`DDC trail, ed25519: ${fmt(ed.records)} records, ${fmt(ed.signatures)} signatures, ${workers} worker(s)`)
  console.log(`  ${fmt(edRate)} signatures/s = ${ratio(edRate / base.nativeEd25519)} the native one-core rate (target ≥ ${(0.85 * workers).toFixed(2)}×), ${ratio(edRate / workers / base.nativeEd25519)} per core (target ≥ 0.85×)`)
  console.log(`  ${ratio(edRate / base.polkadotEd25519)} @polkadot/util-crypto's ed25519Verify on one core\n`)

  const srClient = { ...sr25519FromSeed(new Uint8Array(32).fill(73)), algorithm: 'sr25519' as const }
  const srNode = { ...sr25519FromSeed(new Uint8Array(32).fill(74)), algorithm: 'sr25519' as const }
  const srCount = Math.round(20_000 * scale)
  const srFile = join(dir, 'sr25519.pb')
  generateDdcTrail(srFile, srCount, { client: srClient, node: srNode, chain: true })
  const sr = verifyWithCli(srFile, workers)
  const srRate = sr.signatures / sr.seconds
  console.log(`DDC trail, sr25519: ${fmt(sr.records)} records, ${fmt(sr.signatures)} signatures, ${workers} worker(s)`)
  console.log(`  ${fmt(srRate)} signatures/s = ${ratio(srRate / base.wasmSr25519)} wasm-crypto's one-core rate, ${ratio(srRate / workers / base.wasmSr25519)} per core (target ≥ 0.85×)\n`)

  const memCount = Math.round(1_000_000 * scale)
  const memFile = join(dir, 'streamed.pb')
  const generated = generateDdcTrail(memFile, memCount, { client, node, chain: false })
  const mem = verifyWithCli(memFile, workers)
  console.log(`streamed trail: ${fmt(mem.records)} records (${fmt(generated.bytes / 1024 / 1024)} MiB file), ${fmt(mem.signatures)} signatures in ${mem.seconds.toFixed(1)} s`)
  console.log(`  peak RSS of the ccp-bridge process ${mem.maxRssMiB.toFixed(0)} MiB (target < 300 MiB for 1,000,000 records)\n`)
  rmSync(memFile)

  const oneFile = join(dir, 'one-message.pb')
  const one = generateDdcTrail(oneFile, memCount, { client, node, chain: false, single: true })
  const single = verifyWithCli(oneFile, workers)
  if (single.records !== memCount || single.valid !== memCount) throw new Error(`one message: ${single.valid} of ${single.records} records valid, expected ${memCount}`)
  console.log(`one large message: ${fmt(single.records)} records in one ChallengeResponse proof (${fmt(one.bytes / 1024 / 1024)} MiB), ${fmt(single.signatures)} signatures in ${single.seconds.toFixed(1)} s`)
  console.log(`  peak RSS of the ccp-bridge process ${single.maxRssMiB.toFixed(0)} MiB (target < 300 MiB for 1,000,000 records; ${ratio(single.maxRssMiB / mem.maxRssMiB)} the many-message trail's)`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
