import { checkAddresses } from './addresses-valid.ts'
import { checkAgentIndependentConstraint } from './agent-independent-constraint.ts'
import { checkAttestationPresent } from './attestation-present.ts'
import { checkAuditorDuplicate } from './auditor-duplicate.ts'
import { checkAuditorIndependent } from './auditor-independent.ts'
import { checkAuditorsStaked } from './auditors-staked.ts'
import { checkCertificateIdIsUuidV4 } from './certificate-id-uuid-v4.ts'
import { checkChainId } from './chain-id-matches.ts'
import { checkClassSupported } from './class-supported.ts'
import { checkCompositionAnalysis } from './composition-analysis.ts'
import { checkContainmentBound } from './containment-bound.ts'
import { checkDenominations } from './denominations.ts'
import { checkExpiryWithinClassMax } from './expiry-within-class-max.ts'
import { checkLayerCounts } from './layer-counts.ts'
import { checkReserveExogenous } from './reserve-exogenous.ts'
import { checkReserveRatioClassMin } from './reserve-ratio-class-min.ts'
import { checkReserveRatioMatches } from './reserve-ratio-matches.ts'
import { checkValidityWindow } from './validity-window.ts'
import { checkVersionSupported } from './version-supported.ts'
import type { Rule, RuleCode } from './types.ts'

export * from './types.ts'

/**
 * Every certificate rule, grouped by the section it is about (the CLI prints one ✓/✗ line per group).
 * @example RULE_GROUPS.flatMap((g) => g.rules).flatMap((rule) => rule(cert, context))
 */
export const RULE_GROUPS: readonly { name: string; codes: readonly RuleCode[]; rules: readonly Rule[] }[] = [
  { name: 'schema', codes: ['SCHEMA'], rules: [] },
  {
    name: 'identity',
    codes: ['VERSION_UNSUPPORTED', 'CERTIFICATE_ID_NOT_UUID_V4', 'ADDRESS_INVALID', 'CHAIN_ID_MISMATCH'],
    rules: [checkVersionSupported, checkCertificateIdIsUuidV4, checkAddresses, checkChainId],
  },
  { name: 'validity', codes: ['VALIDITY_WINDOW_INVALID', 'EXPIRY_EXCEEDS_CLASS_MAX'], rules: [checkValidityWindow, checkExpiryWithinClassMax] },
  { name: 'constraints', codes: ['NO_AGENT_INDEPENDENT_CONSTRAINT', 'DENOMINATION_MISMATCH'], rules: [checkAgentIndependentConstraint, checkDenominations] },
  {
    name: 'reserve',
    codes: ['RESERVE_NOT_EXOGENOUS', 'RESERVE_RATIO_MISMATCH', 'RESERVE_RATIO_BELOW_CLASS_MIN'],
    rules: [checkReserveExogenous, checkReserveRatioMatches, checkReserveRatioClassMin],
  },
  {
    name: 'attestations',
    codes: ['ATTESTATION_REQUIRED', 'COMPOSITION_ANALYSIS_REQUIRED', 'AUDITOR_NOT_STAKED', 'AUDITOR_DUPLICATE', 'AUDITOR_NOT_INDEPENDENT'],
    rules: [checkAttestationPresent, checkCompositionAnalysis, checkAuditorsStaked, checkAuditorDuplicate, checkAuditorIndependent],
  },
  {
    name: 'derived metrics',
    codes: ['CONTAINMENT_BOUND_MISMATCH', 'LAYER_COUNT_MISMATCH', 'CLASS_NOT_SUPPORTED_BY_RULES'],
    rules: [checkContainmentBound, checkLayerCounts, checkClassSupported],
  },
]

/** All rules in report order. */
export const RULES: readonly Rule[] = RULE_GROUPS.flatMap((group) => group.rules)
