/**
 * An in-process mutex per name: `run(name, fn)` waits for the previous holder of `name`, then runs `fn`.
 * @example const run = keyedMutex(); await run('publish/0xab…', () => publishOnce())
 */
export function keyedMutex(): <T>(name: string, fn: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>()
  return <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const previous = tails.get(name) ?? Promise.resolve()
    const next = previous.then(fn, fn)
    const tail = next.catch(() => undefined)
    tails.set(name, tail)
    void tail.then(() => {
      if (tails.get(name) === tail) tails.delete(name)
    })
    return next
  }
}
