import { arrayElements, objectMembers, skipWhitespace } from '../../src/activity/json-text.ts'
import { BridgeError } from '../../src/errors.ts'
import { decodeUtf8, parseJson } from '../../src/json/parse-json.ts'
import { LIMITS } from '../../src/limits.ts'
import type { GrantSource, Hex } from '../../src/ports.ts'
import { readBodyBounded } from './bounded-body.ts'

export type HttpGrantSourceOptions = {
  /** per-request time limit in milliseconds (default 10 000) */
  timeoutMs?: number
  /** fetch implementation (default the global one) */
  fetch?: typeof fetch
}

/**
 * GAR over HTTP: `GET {garUrl}/api/v1/agreements?agent_service_pub_key=<hex>` answering `{ "agreements": [grant, ...] }`;
 * each grant keeps its exact text from the answer. An unreachable service or a non-2xx answer is an `io` error (exit 2);
 * a malformed answer names the URL and JSON path. The body is read as a stream and cut at LIMITS.garAnswer, and parsed
 * with the strict JSON reader (a key twice in an object, or a lone surrogate, is refused).
 * @example const grants = await httpGrantSource('http://127.0.0.1:8080').agreements('0x8f3c…')
 */
export function httpGrantSource(garUrl: string, options: HttpGrantSourceOptions = {}): GrantSource {
  const base = garUrl.replace(/\/+$/, '')
  const doFetch = options.fetch ?? fetch
  return {
    description: `GAR ${base}`,
    async agreements(agentServicePublicKey: Hex) {
      const key = agentServicePublicKey.replace(/^0x/, '').toLowerCase()
      const url = `${base}/api/v1/agreements?agent_service_pub_key=${encodeURIComponent(key)}`
      let response: Response
      try {
        response = await doFetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) })
      } catch (cause) {
        throw new BridgeError('GAR_UNREACHABLE', `cannot reach GAR at ${base}`, { kind: 'io', cause, details: (cause as Error).message })
      }
      const bytes = await readBodyBounded(response, url, LIMITS.garAnswer)
      if (!response.ok) {
        throw new BridgeError('GAR_HTTP_ERROR', `GAR answered HTTP ${response.status} for ${url}`, { kind: 'io', details: new TextDecoder().decode(bytes.subarray(0, 200)) })
      }
      const origin = { file: url, what: 'the GAR answer', code: 'GAR_BAD_RESPONSE' }
      const text = decodeUtf8(bytes, origin)
      const body = parseJson(text, origin)
      if (body === null || typeof body !== 'object' || Array.isArray(body) || !Array.isArray((body as { agreements?: unknown }).agreements)) {
        throw new BridgeError('GAR_BAD_RESPONSE', 'expected {"agreements": [...]} from GAR', { file: url, path: '$.agreements' })
      }
      const list = objectMembers(text, skipWhitespace(text, 0)).members.find((m) => m.key === 'agreements')! // the only one: duplicates are refused
      return arrayElements(text, list.valueStart).map((span, i) => ({ text: text.slice(span.start, span.end), origin: `${url} at $.agreements[${i}]` }))
    },
  }
}
