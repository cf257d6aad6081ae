import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { CereChainScenario } from '../../support/cere-rpc-server.ts'

const fixtures = fileURLToPath(new URL('../../../fixtures/settlement/', import.meta.url))

/** The events of a fixture scenario, as the JSON Lines file holds them. */
export function fixtureEventLines(name: string): Array<{ block: number; index: number; section: string; method: string; data: Record<string, unknown> }> {
  return readFileSync(`${fixtures}${name}/events.jsonl`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line))
}

/** The params file of a fixture scenario. */
export function fixtureParams(name: string): Record<string, unknown> & { validators: string[] } {
  return JSON.parse(readFileSync(`${fixtures}${name}/params.json`, 'utf8'))
}

export const fixtureDir = fixtures

/**
 * A chain for the loopback server: era 412 (fixture `balanced`, blocks 1–6) then era 413 (fixture `shares-413`,
 * blocks 7–12) and one empty block 13; the cluster's ClustersGovParams change at block 7 (governance changed the
 * fee shares) and the validator set is in DdcVerification.ValidatorSet.
 */
export function twoErasChain(clusterId: string, extra: Partial<CereChainScenario> = {}): CereChainScenario {
  const lines = [...fixtureEventLines('balanced'), ...fixtureEventLines('shares-413')]
  const last = Math.max(...lines.map((l) => l.block)) + 1
  const blocks: CereChainScenario['blocks'] = Array.from({ length: last + 1 }, () => ({ events: [] }))
  for (const line of lines) blocks[line.block]!.events[line.index] = { section: line.section, method: line.method, data: line.data, extrinsic: 1 }
  const govParams = (name: string) => {
    const { validators: _validators, ...params } = fixtureParams(name)
    return { ...params, storage_bond_size: '100000000000000', storage_chill_delay: 100, storage_unbonding_delay: 100 }
  }
  return {
    blocks,
    storage: [
      { pallet: 'DdcClusters', item: 'ClustersGovParams', keys: [clusterId], value: govParams('balanced'), fromBlock: 0 },
      { pallet: 'DdcClusters', item: 'ClustersGovParams', keys: [clusterId], value: govParams('shares-413'), fromBlock: 7 },
      { pallet: 'DdcVerification', item: 'ValidatorSet', keys: [], value: fixtureParams('balanced').validators, fromBlock: 0 },
    ],
    ...extra,
  }
}
