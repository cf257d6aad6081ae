import type { ChainAccess } from '../chain.ts'
import type { ServiceContext } from '../context.ts'
import { HttpProblem } from '../problem.ts'

/**
 * The registry the server follows, or 503 REGISTRY_NOT_CONFIGURED when `serve` was started without one.
 * @example const chain = requireChain(ctx)
 */
export function requireChain(ctx: ServiceContext): ChainAccess {
  if (!ctx.chain) throw new HttpProblem(503, 'REGISTRY_NOT_CONFIGURED', 'this server follows no registry', { details: 'start `ccp-bridge serve` with --rpc URL and --registry ADDR (or ETH_RPC_URL and CCP_REGISTRY)' })
  return ctx.chain
}
