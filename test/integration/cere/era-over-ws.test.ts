import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ApiPromise } from '@polkadot/api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectCere } from '../../../adapters/cere/connect.ts'
import { followEraBlocks } from '../../../adapters/cere/follow-era-blocks.ts'
import { readEraFromChain } from '../../../adapters/cere/read-era.ts'
import { scanEraBlocks } from '../../../adapters/cere/scan-era-blocks.ts'
import { readBlockEvents } from '../../../adapters/cere/block-events.ts'
import { readPayoutFinalizedAt } from '../../../adapters/cere/payout-receipt.ts'
import { BridgeError } from '../../../src/errors.ts'
import { clusterParamsSchema, eraUsageSchema } from '../../../src/schema/settlement.ts'
import { reconcileEra } from '../../../src/settlement/reconcile.ts'
import { clusterParamsJson } from '../../../src/settlement/params-json.ts'
import { startCereRpcServer, type CereRpcServer } from '../../support/cere-rpc-server.ts'
import { fixtureDir, fixtureEventLines, fixtureParams, OWN_LEGACY_METADATA, OWN_METADATA, payoutReceipt, scenarioChain, SHARED_METADATA, twoErasChain, type MetadataSource } from './chain-from-fixtures.ts'

const usage = (name: string) => eraUsageSchema.parse(JSON.parse(readFileSync(`${fixtureDir}${name}/usage.json`, 'utf8')))
const CLUSTER = usage('balanced').cluster_id
/** params.json without what the chain does not hold (the stakers' scores) */
const chainParams = (name: string) => {
  const { validator_scores: _scores, ...params } = fixtureParams(name)
  return params
}

// The same adapter tests on the project's own loopback metadata (always run) and on the real devnet metadata (../shared).
for (const source of [OWN_METADATA, SHARED_METADATA] as MetadataSource[]) {
  describe.skipIf(source.skip)(`Cere chain adapter over a loopback node with ${source.name}${source.skipNote}`, () => {
    let server: CereRpcServer
    let api: ApiPromise
    beforeAll(async () => {
      server = await startCereRpcServer(twoErasChain(CLUSTER), source.file)
      api = await connectCere(server.url)
    })
    afterAll(async () => {
      await api?.disconnect()
      await server?.close()
    })

    it('decodes System.Events through the metadata: names, field names, SS58 accounts, u128 as decimal strings', async () => {
      const lines = await readBlockEvents(api, 3)
      expect(lines).toEqual(fixtureEventLines('balanced').filter((l) => l.block === 3))
      const charged = lines.find((l) => l.method === 'Charged' && l.section === 'ddcPayouts')!
      expect(Object.keys(charged.data)).toEqual(['cluster_id', 'era', 'batch_index', 'customer_id', 'amount'])
      expect(charged.data['customer_id']).toMatch(/^6/)
      expect(typeof charged.data['amount']).toBe('string')
      expect(server.unknown).toEqual([])
    })

    it('reads an era by scanning a range: the events exactly as exported, params and validators at the era block', async () => {
      const era = await readEraFromChain(api, { clusterId: CLUSTER, era: 412, from: 0, to: 13 })
      expect(era.events).toEqual(fixtureEventLines('balanced'))
      expect(era.closed).toBe(true)
      expect(era.paramsBlock).toBe(3)
      expect(clusterParamsJson(era.params)).toEqual(fixtureParams('balanced'))
      const result = reconcileEra({ clusterId: CLUSTER, era: 412, params: era.params, events: era.events, usage: usage('balanced') })
      expect(result.verdict).toBe('balanced')
    })

    it('fee shares that change between eras: era 413 is read with the params in force at its own block', async () => {
      const era = await readEraFromChain(api, { clusterId: CLUSTER, era: 413, from: 0, to: 13 })
      expect(era.paramsBlock).toBe(9)
      expect(clusterParamsJson(era.params)).toEqual(fixtureParams('shares-413'))
      expect(era.params.treasury_share).not.toBe(clusterParamsSchema.parse(fixtureParams('balanced')).treasury_share)
      expect(reconcileEra({ clusterId: CLUSTER, era: 413, params: era.params, events: era.events, usage: usage('shares-413') }).verdict).toBe('balanced')
    })

    it('without a range, scans back from the finalized head', async () => {
      const era = await readEraFromChain(api, { clusterId: CLUSTER, era: 412 })
      expect(era.range).toEqual({ from: 0, to: 6 })
      expect(era.events).toHaveLength(fixtureEventLines('balanced').length)
    })

    it('resumes from a cursor without reading a block twice', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ccp-cursor-'))
      try {
        const cursorFile = join(dir, 'era.cursor.json')
        const first = await readEraFromChain(api, { clusterId: CLUSTER, era: 412, from: 0, to: 3, cursorFile }).catch((e) => e)
        expect(first.events.length).toBeLessThan(fixtureEventLines('balanced').length)
        const saved = JSON.parse(readFileSync(cursorFile, 'utf8'))
        expect(saved.next_block).toBe(4)
        const seen: number[] = []
        const second = await readEraFromChain(api, { clusterId: CLUSTER, era: 412, from: 0, to: 13, cursorFile, onBlock: (c) => seen.push(c.next_block - 1) })
        expect(seen[0]).toBe(4)
        expect(second.events).toEqual(fixtureEventLines('balanced'))
        await expect(readEraFromChain(api, { clusterId: CLUSTER, era: 413, from: 0, to: 13, cursorFile })).rejects.toThrow(/cursor is for cluster .* era 412/)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })

    it('scanning stops at ClusterEraPaid when asked', async () => {
      const scan = await scanEraBlocks(api, { clusterId: CLUSTER, era: 412, from: 1, to: 13, stopWhenClosed: true })
      expect(scan.closed).toBe(true)
      expect(scan.next_block).toBe(7)
    })
  })

  describe.skipIf(source.skip)(`following finalized heads with ${source.name}${source.skipNote}`, () => {
    it('reads each finalized block as it comes until ClusterEraPaid, then unsubscribes', async () => {
      const server = await startCereRpcServer(twoErasChain(CLUSTER, { finalized: 2, advanceMs: 5 }), source.file)
      const api = await connectCere(server.url)
      try {
        const seen: number[] = []
        const result = await followEraBlocks(api, { clusterId: CLUSTER, era: 412, from: 1, timeoutMs: 20_000, onBlock: (c) => void seen.push(c.next_block - 1) })
        expect(result.closed).toBe(true)
        expect(result.timedOut).toBe(false)
        expect(result.events).toEqual(fixtureEventLines('balanced'))
        expect(seen).toEqual([1, 2, 3, 4, 5, 6])
        expect(server.calls).toContain('chain_subscribeFinalizedHeads')
        // @polkadot/api keeps a shared subscription open briefly before it unsubscribes: wait for it (up to 10 s)
        for (let i = 0; i < 200 && !server.calls.includes('chain_unsubscribeFinalizedHeads'); i++) await new Promise((resolve) => setTimeout(resolve, 50))
        expect(server.calls).toContain('chain_unsubscribeFinalizedHeads')
        await api.disconnect()
        for (let i = 0; i < 200 && server.openConnections() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 25))
        expect(server.openConnections()).toBe(0)
      } finally {
        await api.disconnect()
        await server.close()
      }
    })

    it('gives up at the timeout with what it found, not closed', async () => {
      const server = await startCereRpcServer(twoErasChain(CLUSTER, { finalized: 2 }), source.file)
      const api = await connectCere(server.url)
      try {
        const result = await followEraBlocks(api, { clusterId: CLUSTER, era: 412, from: 1, timeoutMs: 300 })
        expect(result.timedOut).toBe(true)
        expect(result.closed).toBe(false)
        expect(result.next_block).toBe(3)
      } finally {
        await api.disconnect()
        await server.close()
      }
    })
  })
}

describe("the project's own loopback metadata: what the real metadata's tests do not cover", () => {
  it('the payout receipt says where the era ended (DdcPayouts.PayoutReceipts finalized_at): the default range stops there', async () => {
    const chain = scenarioChain('charge-error', CLUSTER)
    chain.storage!.push(payoutReceipt(CLUSTER, 412, 6))
    const server = await startCereRpcServer(chain, OWN_METADATA.file)
    const api = await connectCere(server.url)
    try {
      expect(await readPayoutFinalizedAt(api, CLUSTER, 412)).toBe(6)
      expect(await readPayoutFinalizedAt(api, CLUSTER, 411)).toBeUndefined()
      const era = await readEraFromChain(api, { clusterId: CLUSTER, era: 412, window: 3 })
      expect(era.range).toEqual({ from: 4, to: 6 })
      // a failed charge's DispatchError goes through the metadata and back
      const all = await readEraFromChain(api, { clusterId: CLUSTER, era: 412, from: 0 })
      expect(all.events).toEqual(fixtureEventLines('charge-error'))
      expect(all.events.find((e) => e.method === 'ChargeError')!.data['error']).toEqual({ module: { index: 36, error: '0x03000000' } })
      expect(clusterParamsJson(all.params)).toEqual(chainParams('charge-error'))
      expect(reconcileEra({ clusterId: CLUSTER, era: 412, params: all.params, events: all.events, usage: usage('charge-error') }).verdict).toBe('balanced')
    } finally {
      await api.disconnect()
      await server.close()
    }
  })

  it('the older billing-report generation of names decodes to the same reconciliation (no PayoutReceipts storage there)', async () => {
    const server = await startCereRpcServer(scenarioChain('legacy-names', CLUSTER), OWN_LEGACY_METADATA.file)
    const api = await connectCere(server.url)
    try {
      expect(await readPayoutFinalizedAt(api, CLUSTER, 412)).toBeUndefined()
      const era = await readEraFromChain(api, { clusterId: CLUSTER, era: 412 })
      expect(era.events).toEqual(fixtureEventLines('legacy-names'))
      expect(era.events.map((e) => e.method)).toEqual(expect.arrayContaining(['BillingReportInitialized', 'BillingFingerprintCommited', 'ProviderRewarded', 'BillingReportFinalized']))
      const result = reconcileEra({ clusterId: CLUSTER, era: 412, params: era.params, events: era.events, usage: usage('legacy-names') })
      expect(result.verdict).toBe('balanced')
      expect(result.quorum).toEqual({ validators: 5, committed: 4, holds: true })
      expect(server.unknown).toEqual([])
    } finally {
      await api.disconnect()
      await server.close()
    }
  })
})

describe('connecting', () => {
  it('an unreachable node is an io BridgeError, not a hang', async () => {
    const error = await connectCere('ws://127.0.0.1:1', { timeoutMs: 3_000 }).catch((e) => e)
    expect(error).toBeInstanceOf(BridgeError)
    expect((error as BridgeError).kind).toBe('io')
  })
  it('refuses a URL that is not ws:// or wss://', async () => {
    await expect(connectCere('http://127.0.0.1:9944')).rejects.toThrow(/ws:\/\/ or wss:\/\//)
  })
})
