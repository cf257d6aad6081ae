/**
 * A wait that something can cut short: `rest()` resolves after `ms`, or as soon as `wake()` is called; a `wake()` that
 * comes while nobody rests is kept for the next `rest()` (a notification that arrives while the caller is busy is not
 * lost). Coordinators rest between looks at their results, workers between looks at the queue.
 * @example const w = wakeUp(1000); db.listen(channel, w.wake); while (!done) { …; await w.rest() }
 */
export function wakeUp(ms: number): { rest(): Promise<void>; wake(): void } {
  let woken = false
  let end: (() => void) | undefined
  return {
    wake() {
      woken = true
      end?.()
    },
    rest: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer)
          end = undefined
          woken = false
          resolve()
        }
        const timer = setTimeout(done, ms)
        end = done
        if (woken) done()
      }),
  }
}
