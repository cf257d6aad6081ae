/**
 * Writes a benchmark trail file and exits:
 * `node --import tsx bench/verify-prepare.ts <file> <records> <ed25519|sr25519> <chain|single-signature> [one-message]`.
 * Lets a trail be generated once and verified with `ccp-bridge trail verify` by hand.
 */
import { ed25519FromSeed } from '../src/crypto/ed25519.ts'
import { sr25519FromSeed, sr25519Ready } from '../src/crypto/sr25519.ts'
import { generateDdcTrail } from './verify-generate.ts'

const [file, count, algorithm, shape, message] = process.argv.slice(2)
await sr25519Ready()
const key = (n: number) => (algorithm === 'sr25519' ? { ...sr25519FromSeed(new Uint8Array(32).fill(n)), algorithm: 'sr25519' as const } : ed25519FromSeed(new Uint8Array(32).fill(n)))
console.log(generateDdcTrail(file!, Number(count), { client: key(71), node: key(72), chain: shape !== 'single' && shape !== 'single-signature', single: message === 'one-message' }))
