import { ApiPromise, WsProvider } from '@polkadot/api'
import { BridgeError } from '../../src/errors.ts'

/**
 * Connects to a Cere node over WebSocket with @polkadot/api's own WsProvider; the node's metadata decides all decoding.
 * An unreachable node is a BridgeError of kind `io` (exit 2) after `timeoutMs`; call `api.disconnect()` when done.
 * @example const api = await connectCere('ws://127.0.0.1:9944'); try { … } finally { await api.disconnect() }
 */
export async function connectCere(url: string, { timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<ApiPromise> {
  if (!/^wss?:\/\//.test(url)) throw new BridgeError('BAD_WS_URL', `--ws expects a ws:// or wss:// URL, got ${JSON.stringify(url)}`)
  const provider = new WsProvider(url, false, {}, timeoutMs)
  try {
    await withTimeout(provider.connect(), timeoutMs, url)
    return await withTimeout(ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true }), timeoutMs, url)
  } catch (cause) {
    await provider.disconnect().catch(() => undefined)
    if (cause instanceof BridgeError) throw cause
    throw new BridgeError('CERE_UNREACHABLE', `cannot connect to the Cere node at ${url}`, { kind: 'io', details: (cause as Error)?.message ?? String(cause), cause })
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, url: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BridgeError('CERE_TIMEOUT', `no answer from the Cere node at ${url} within ${ms} ms`, { kind: 'io' })), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
