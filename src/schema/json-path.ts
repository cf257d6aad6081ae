/**
 * JSON paths for messages: `$.constraints[0].value.amount`.
 * @example jsonPath(['constraints', 0, 'value']) // '$.constraints[0].value'
 */
export function jsonPath(segments: ReadonlyArray<PropertyKey>): string {
  let out = '$'
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (typeof segment === 'symbol') out += `[${String(segment)}]`
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += `.${segment}`
    else out += `[${JSON.stringify(segment)}]`
  }
  return out
}
