import { describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createPublicClient, http } from 'viem'
import { isProcessAlive, startAnvil } from '../../../adapters/evm/anvil.ts'
import { connectEvm } from '../../../adapters/evm/clients.ts'
import { BridgeError } from '../../../src/errors.ts'

describe('anvil launcher', () => {
  it('starts on a free port of 127.0.0.1 with a chosen chain id and genesis time, and leaves no process behind', async () => {
    const anvil = await startAnvil({ chainId: 1337, timestamp: 1_775_000_000 })
    try {
      expect(anvil.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(anvil.port).toBeGreaterThan(0)
      const client = createPublicClient({ transport: http(anvil.rpcUrl) })
      expect(await client.getChainId()).toBe(1337)
      expect((await client.getBlock({ blockNumber: 0n })).timestamp).toBe(1_775_000_000n)
      expect(anvil.accounts[0]?.address).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266')
      expect(await client.getBalance({ address: anvil.accounts[9]!.address })).toBe(10_000n * 10n ** 18n)
      expect(isProcessAlive(anvil.pid)).toBe(true)
    } finally {
      await anvil.stop()
    }
    expect(isProcessAlive(anvil.pid)).toBe(false)
    await expect(connectEvm(anvil.rpcUrl)).rejects.toMatchObject({ code: 'RPC_UNREACHABLE', kind: 'io' })
  })

  it('reports a port already in use as an error, not a hang', async () => {
    const first = await startAnvil()
    try {
      const error = await startAnvil({ port: first.port }).then(() => null, (e: unknown) => e)
      expect(error).toBeInstanceOf(BridgeError)
      expect((error as BridgeError).code).toBe('ANVIL_EXITED')
    } finally {
      await first.stop()
    }
  })

  it('leaves no orphan anvil when the process that started it is killed without cleanup (SIGKILL)', async () => {
    const script = fileURLToPath(new URL('./anvil-child.ts', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    const pid = await new Promise<number>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (d) => {
        out += d
        if (out.includes('\n')) resolve(Number(out.trim()))
      })
      child.once('close', (code) => reject(new Error(`child exited early (${code})`)))
    })
    expect(isProcessAlive(pid)).toBe(true)
    child.kill('SIGKILL')
    await expect.poll(() => isProcessAlive(pid), { timeout: 10_000, interval: 100 }).toBe(false)
  })
})
