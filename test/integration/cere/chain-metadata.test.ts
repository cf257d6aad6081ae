import { readFileSync } from 'node:fs'
import { Metadata, TypeRegistry } from '@polkadot/types'
import { describe, expect, it } from 'vitest'
import { chainMetadataFile, loopbackMetadataJson, SPEC_VERSIONS, type Generation } from '../../../fixtures/scripts/chain-metadata.ts'

const eventNames = (hex: string, pallet: string) => {
  const registry = new TypeRegistry()
  const metadata = new Metadata(registry, hex as `0x${string}`)
  registry.setMetadata(metadata)
  const found = metadata.asLatest.pallets.find((p) => p.name.toString() === pallet)!
  return registry.lookup.getSiType(found.events.unwrap().type).def.asVariant.variants.map((v) => v.name.toString())
}

describe("the loopback node's own metadata (fixtures/chain, from fixtures/scripts/chain-metadata.ts)", () => {
  it.each(['payout-receipt', 'billing-report'] as Generation[])('%s: the checked-in file is what the script generates, byte for byte', (generation) => {
    const text = readFileSync(chainMetadataFile(generation), 'utf8')
    expect(loopbackMetadataJson(generation)).toBe(text)
    expect(JSON.parse(text).specVersion).toBe(SPEC_VERSIONS[generation])
  })

  it('decodes with @polkadot/types and holds the events the adapter reads, in both generations of names', () => {
    const current = JSON.parse(readFileSync(chainMetadataFile('payout-receipt'), 'utf8')).metadata
    const older = JSON.parse(readFileSync(chainMetadataFile('billing-report'), 'utf8')).metadata
    expect(eventNames(current, 'DdcPayouts')).toEqual(expect.arrayContaining(['PayoutInitialized', 'Charged', 'ChargedPartially', 'Indebted', 'ChargeError', 'ValidatorRewarded', 'Rewarded', 'NotDistributedReward', 'PayoutReceiptFinalized', 'PayoutFingerprintCommited']))
    expect(eventNames(older, 'DdcPayouts')).toEqual(expect.arrayContaining(['BillingReportInitialized', 'ChargeFailed', 'ProviderRewarded', 'BillingReportFinalized', 'BillingFingerprintCommited']))
    expect(eventNames(current, 'DdcClusters')).toContain('ClusterEraPaid')
    expect(eventNames(current, 'DdcVerification')).toContain('ValidatorsSetUpdated')
  })
})
