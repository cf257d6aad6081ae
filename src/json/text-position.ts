/**
 * The 1-based line and column of an index into a text (lines end at `\n`).
 * @example lineAndColumn('{\n  "a": 1,\n  "a": 2\n}', 14) // { line: 3, column: 3 }
 */
export function lineAndColumn(text: string, index: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let at = text.indexOf('\n'); at >= 0 && at < index; at = text.indexOf('\n', at + 1)) {
    line++
    lineStart = at + 1
  }
  return { line, column: index - lineStart + 1 }
}
