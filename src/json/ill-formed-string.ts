import { isWellFormed } from './json-text-problem.ts'

/**
 * The JSON path segments of the first string (or object key) holding a lone UTF-16 surrogate in an already parsed
 * value, or undefined when every string is valid Unicode. For values that did not come through `parseJson` (YAML,
 * objects handed to the library), so they are refused the same way. Iterative: no recursion limit.
 * @example illFormedStringPath({ identity: { agent_name: '\ud800' } }) // ['identity', 'agent_name']
 */
export function illFormedStringPath(value: unknown): Array<string | number> | undefined {
  const stack: Array<{ value: unknown; path: Array<string | number> }> = [{ value, path: [] }]
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!
    if (typeof v === 'string') {
      if (!isWellFormed(v)) return path
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...path, i] })
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v)
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!
        if (!isWellFormed(key)) return [...path, key]
        stack.push({ value: child, path: [...path, key] })
      }
    }
  }
  return undefined
}
