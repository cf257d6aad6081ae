/**
 * One spelling for public keys in comparisons: lower-case hex without `0x` or an `ed25519:`/`sr25519:` prefix.
 * @example normalizeKey('ed25519:0xAB…') // 'ab…'
 */
export function normalizeKey(text: string): string {
  return text.replace(/^(ed25519|sr25519):/, '').replace(/^0x/i, '').toLowerCase()
}
