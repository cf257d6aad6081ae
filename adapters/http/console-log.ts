import { errorMessage } from '../../src/errors.ts'
import type { Logger } from './log.ts'

/**
 * Routes what libraries print with `console` (@polkadot/api reports a lost node with an Error and its stack) into the
 * service's log as one line each: an Error shows its message only, never its stack. For the `serve` process, whose
 * stderr is its log. Returns the function that puts the console back.
 * @example const restore = routeConsole(logger); …; restore()
 */
export function routeConsole(log: Logger): () => void {
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug }
  const line = (args: unknown[]) =>
    args
      .map((a) => (a instanceof Error ? errorMessage(a) : typeof a === 'string' ? a : safeJson(a)))
      .join(' ')
      .split('\n')
      .filter((l) => !/^\s+at /.test(l))
      .join(' ')
  console.log = console.info = (...args: unknown[]) => log.log('info', 'library', line(args))
  console.debug = () => undefined
  console.warn = (...args: unknown[]) => log.log('warn', 'library', line(args))
  console.error = (...args: unknown[]) => log.log('warn', 'library', line(args))
  return () => Object.assign(console, saved)
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value)
  } catch {
    return String(value)
  }
}
