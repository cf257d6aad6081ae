import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { clusterParamsSchema, eraUsageSchema, type ClusterParams, type EraUsage } from '../../../src/schema/settlement.ts'
import { parseEventLines, type LocatedEvent } from '../../../src/settlement/event-lines.ts'

export const settlementFixtures = fileURLToPath(new URL('../../../fixtures/settlement/', import.meta.url))

/** One generated settlement scenario read from fixtures/settlement/<name>/. */
export function loadScenario(name: string): { usage: EraUsage; params: ClusterParams; events: LocatedEvent[]; expected: { verdict: string }; dir: string } {
  const dir = `${settlementFixtures}${name}/`
  return {
    dir,
    usage: eraUsageSchema.parse(JSON.parse(readFileSync(`${dir}usage.json`, 'utf8'))),
    params: clusterParamsSchema.parse(JSON.parse(readFileSync(`${dir}params.json`, 'utf8'))),
    events: parseEventLines(readFileSync(`${dir}events.jsonl`, 'utf8'), `${dir}events.jsonl`),
    expected: JSON.parse(readFileSync(`${dir}expected.json`, 'utf8')),
  }
}

export const SCENARIOS = [
  'balanced',
  'partial-indebted',
  'vault-short',
  'silent-shortfall',
  'charge-error',
  'over-rewarded',
  'undistributed',
  'missing-era-paid',
  'no-quorum',
  'quorum-3-of-5',
  'validator-scores',
  'legacy-names',
  'shares-413',
] as const
