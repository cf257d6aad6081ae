import type { GrantScopeContext } from '../schema/evidence-grant.ts'

/** A record's scope: the `"<vaultId> / <scopeId>"` string of an SCP record, or a context object. */
export type RecordScope = string | GrantScopeContext

/**
 * Whether a grant's scope context covers a record's scope. `{vaultId, scopeId}` matches a record scope with the same
 * pair; `{workspace_id, stream_id}` matches the same pair (a record's `"a / b"` string is read as either pair).
 * Exact, case-sensitive comparison: no wildcards.
 * @example scopeMatches({ vaultId: 'v-1', scopeId: 'calendar' }, 'v-1 / calendar') // true
 */
export function scopeMatches(grantScope: GrantScopeContext, recordScope: RecordScope): boolean {
  const [a, b] = scopePair(recordScope)
  if (a === undefined || b === undefined) return false
  const [ga, gb] = scopePair(grantScope)
  return ga === a && gb === b
}

/** The two parts of a scope: `[vaultId, scopeId]` or `[workspace_id, stream_id]`. */
export function scopePair(scope: RecordScope): [string | undefined, string | undefined] {
  if (typeof scope === 'string') {
    const at = scope.indexOf(' / ')
    return at < 0 ? [undefined, undefined] : [scope.slice(0, at), scope.slice(at + 3)]
  }
  if ('vaultId' in scope && typeof scope.vaultId === 'string') return [scope.vaultId, scope.scopeId as string]
  return [(scope as { workspace_id: string }).workspace_id, (scope as { stream_id: string }).stream_id]
}

/** `"<a> / <b>"`, the label used for totals. @example scopeLabel({ vaultId: 'v', scopeId: 's' }) // 'v / s' */
export function scopeLabel(scope: RecordScope): string {
  const [a, b] = scopePair(scope)
  return `${a} / ${b}`
}
