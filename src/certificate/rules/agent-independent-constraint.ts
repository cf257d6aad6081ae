import { type Rule, violation } from './types.ts'

/**
 * NO_AGENT_INDEPENDENT_CONSTRAINT: at least one constraint must have agent_independent: true.
 * @example checkAgentIndependentConstraint({ constraints: [], … }, ctx) // one violation at $.constraints
 */
export const checkAgentIndependentConstraint: Rule = (cert) =>
  cert.constraints.some((c) => c.agent_independent === true)
    ? []
    : [violation('NO_AGENT_INDEPENDENT_CONSTRAINT', '$.constraints', 'no constraint has agent_independent: true, so nothing bounds what the agent can lose')]
