/**
 * Edits that make a certificate fail one rule of `cert validate` each (issue 12 defect 1): the publish tests re-hash
 * and re-sign each variant correctly and expect publish to refuse it with that code, before anything is sent or stored.
 * @example for (const [code, edit] of INVALID_CERTIFICATE_EDITS) edit(certificate)
 */
export const INVALID_CERTIFICATE_EDITS: ReadonlyArray<readonly [string, (certificate: any) => void]> = [
  ['RESERVE_NOT_EXOGENOUS', (c) => (c.reserve.exogenous = false)],
  ['RESERVE_RATIO_MISMATCH', (c) => (c.reserve.reserve_ratio = 2.5)],
  ['CERTIFICATE_ID_NOT_UUID_V4', (c) => (c.certificate_id = '550e8400-e29b-11d4-a716-446655440000')],
  ['LAYER_COUNT_MISMATCH', (c) => (c.derived_metrics.agent_independent_layer_count = 9)],
  ['CHAIN_ID_MISMATCH', (c) => (c.identity.chain_id = 1)],
]
