import { describe, expect, it } from 'vitest'

describe('DDC SDK (the content store over @cere-ddc-sdk/ddc-client 2.16.1)', () => {
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
