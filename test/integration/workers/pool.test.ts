import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { availableParallelism } from 'node:os'
import { VerifyPool } from '../../../adapters/workers/pool.ts'
import type { RawItem } from '../../../src/activity/raw-item.ts'

const trail = readFileSync(new URL('../../../fixtures/evidence/trail.jsonl', import.meta.url), 'utf8')
const items = (): RawItem[] =>
  trail
    .split('\n')
    .map((text, i) => ({ text, i }))
    .filter(({ text }) => text.includes('"signatures"'))
    .map(({ text, i }) => ({ kind: 'scp-json', file: 'trail.jsonl', where: `line ${i + 1}`, text }))

describe('the verification worker pool', () => {
  let pool: VerifyPool
  beforeAll(async () => {
    pool = await VerifyPool.start(2)
  })
  afterAll(async () => {
    await pool.close()
  })

  it('verifies in workers, and routes around a worker that exited', async () => {
    const first = await pool.run(items())
    expect(first).toHaveLength(6)
    expect(first.every((entry) => entry.verification.valid)).toBe(true)

    const workers = (pool as unknown as { workers: Array<{ terminate(): Promise<number> }> }).workers
    await workers[0]!.terminate()
    const again = await pool.run(items())
    expect(again.map((e) => e.verification.valid)).toEqual(first.map((e) => e.verification.valid))

    await workers[1]!.terminate()
    await expect(pool.run(items())).rejects.toMatchObject({ code: 'WORKER_FAILED' })
  })
})

describe('the pool size', () => {
  it('is at most one worker per core whatever is asked, and workers start only as batches need them', async () => {
    const pool = await VerifyPool.start(1000)
    try {
      expect(pool.size).toBe(Math.max(1, availableParallelism()))
      expect(pool.started).toBe(0)
      const entries = await pool.run(items())
      expect(entries.map((e) => e.verification.valid)).toEqual([true, true, true, true, true, true])
      expect(pool.started).toBe(1) // one batch of work: one worker, never 1000
      await Promise.all([pool.run(items()), pool.run(items()), pool.run(items()), pool.run(items())])
      expect(pool.started).toBe(pool.size)
    } finally {
      await pool.close()
    }
  })
})
