import { bytesToHex } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'

/** anvil's (and Hardhat's) public development mnemonic: its keys are known to everyone, for local chains only. */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk'

export type DevAccount = { index: number; address: `0x${string}`; devPrivateKey: `0x${string}` }

/**
 * The first `count` well-known development accounts anvil funds (m/44'/60'/0'/0/i of DEV_MNEMONIC).
 * @example devAccounts()[0].address // '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
 */
export function devAccounts(count = 10): DevAccount[] {
  return Array.from({ length: count }, (_, index) => {
    const account = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index })
    const key = account.getHdKey().privateKey
    if (!key) throw new Error('HD key without a private key')
    return { index, address: account.address, devPrivateKey: bytesToHex(key) }
  })
}
