import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DDC_SDK_VERSION } from '../../../adapters/ddc/ddc-content-store.ts'
import { projectDir } from '../../support/cli.ts'

describe('DDC SDK (the content store over @cere-ddc-sdk/ddc-client 2.16.1)', () => {
  it('is an optional peer dependency (and a dev dependency for the tests) pinned to the version the store is written for', () => {
    const manifest = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8'))
    expect(manifest.dependencies['@cere-ddc-sdk/ddc-client']).toBeUndefined()
    expect(manifest.peerDependencies['@cere-ddc-sdk/ddc-client']).toBe(DDC_SDK_VERSION)
    expect(manifest.peerDependenciesMeta['@cere-ddc-sdk/ddc-client']).toEqual({ optional: true })
    expect(manifest.devDependencies['@cere-ddc-sdk/ddc-client']).toBe(DDC_SDK_VERSION)
    expect(JSON.parse(readFileSync(join(projectDir, 'node_modules/@cere-ddc-sdk/ddc-client/package.json'), 'utf8')).version).toBe(DDC_SDK_VERSION)
  })

  it('exposes the classes and presets the DDC store uses, with the shapes it relies on', async () => {
    const sdk = (await import('@cere-ddc-sdk/ddc-client')) as any
    expect(typeof sdk.DdcClient.create).toBe('function')
    expect(typeof sdk.DdcClient.prototype.store).toBe('function')
    expect(typeof sdk.DdcClient.prototype.read).toBe('function')
    for (const preset of [sdk.DEVNET, sdk.TESTNET, sdk.MAINNET]) expect(typeof preset.blockchain).toBe('string')
    const file = new sdk.File(new Uint8Array([1, 2, 3]), { size: 3 })
    expect(file.size).toBe(3)
    const uri = new sdk.FileUri(7n, 'bafkreiabc', { name: 'bafkreiabc' })
    expect(uri).toMatchObject({ bucketId: 7n, entity: 'file', name: 'bafkreiabc' })
  })
})
