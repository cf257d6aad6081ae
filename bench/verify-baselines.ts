/**
 * One-core signature verification baselines, measured in the same run as the pipeline they are compared with:
 * Node's native crypto.verify (ed25519, a KeyObject built per signature as a verifier of many signers does),
 * @polkadot/util-crypto's ed25519Verify (its JavaScript path) and @polkadot/wasm-crypto's sr25519Verify.
 */
import { createPublicKey, verify } from 'node:crypto'
import { ed25519Verify as polkadotEd25519Verify } from '@polkadot/util-crypto'
import { sr25519Verify as wasmSr25519Verify } from '@polkadot/wasm-crypto'
import { ed25519FromSeed } from '../src/crypto/ed25519.ts'
import { sr25519FromSeed, sr25519Ready } from '../src/crypto/sr25519.ts'

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

type Sample = { message: Uint8Array; signature: Uint8Array; publicKey: Uint8Array }

function samples(count: number, keys: Array<{ publicKey: Uint8Array; sign(m: Uint8Array): Uint8Array }>): Sample[] {
  return Array.from({ length: count }, (_, i) => {
    const key = keys[i % keys.length]!
    const message = new TextEncoder().encode(`baseline message ${i} ${'x'.repeat(150)}`)
    return { message, signature: key.sign(message), publicKey: key.publicKey }
  })
}

/** Rate (per second) of `check` over the samples, repeated until at least `seconds` have passed; asserts every check holds. */
function rate(list: Sample[], seconds: number, check: (s: Sample) => boolean): number {
  let done = 0
  const start = process.hrtime.bigint()
  let elapsed = 0
  while (elapsed < seconds) {
    for (const s of list) if (!check(s)) throw new Error('baseline signature did not verify')
    done += list.length
    elapsed = Number(process.hrtime.bigint() - start) / 1e9
  }
  return done / elapsed
}

export type Baselines = { nativeEd25519: number; polkadotEd25519: number; wasmSr25519: number }

/**
 * Measures the three baselines on this thread (one core).
 * @example const b = await measureBaselines(2) // { nativeEd25519: 4400, … } signatures per second
 */
export async function measureBaselines(seconds: number): Promise<Baselines> {
  await sr25519Ready()
  const ed = samples(500, [1, 2, 3, 4].map((i) => ed25519FromSeed(new Uint8Array(32).fill(i))))
  const sr = samples(200, [1, 2, 3, 4].map((i) => sr25519FromSeed(new Uint8Array(32).fill(i))))
  const nativeEd25519 = rate(ed, seconds, (s) => verify(null, s.message, createPublicKey({ key: Buffer.concat([SPKI_PREFIX, s.publicKey]), format: 'der', type: 'spki' }), s.signature))
  const polkadotEd25519 = rate(ed.slice(0, 100), seconds, (s) => polkadotEd25519Verify(s.message, s.signature, s.publicKey, true))
  const wasmSr25519 = rate(sr, seconds, (s) => wasmSr25519Verify(s.signature, s.message, s.publicKey))
  return { nativeEd25519, polkadotEd25519, wasmSr25519 }
}
