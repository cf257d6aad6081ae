import { type Rule, violation } from './types.ts'

/**
 * CHAIN_ID_MISMATCH: identity.chain_id must be the deployment chain (checked when a chain id is given).
 * @example checkChainId(cert, { chainId: 1, … }) // a violation when the certificate says 296
 */
export const checkChainId: Rule = (cert, { chainId }) =>
  chainId === undefined || cert.identity.chain_id === chainId
    ? []
    : [violation('CHAIN_ID_MISMATCH', '$.identity.chain_id', `chain id ${cert.identity.chain_id} does not match the deployment chain ${chainId}`)]
