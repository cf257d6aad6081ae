import type { Migration } from './migration.ts'

/**
 * The tables of `serve`: API keys (only a hash of each secret, with scopes and revocation), the verify-agent decisions
 * cache (one row per agent and policy, dropped when the registry shows a change), and the trail reports of uploads.
 */
export const migration: Migration = {
  version: 3,
  name: 'service',
  statements: [
    `create table api_keys (
      id text primary key,
      name text not null,
      secret_sha256 text not null,
      scopes jsonb not null,
      created_at timestamptz not null default now(),
      revoked_at timestamptz,
      last_used_at timestamptz
    )`,
    `create table verify_decisions (
      key text primary key,
      agent text not null,
      cert_hash text,
      block bigint not null,
      event_id bigint not null,
      stale_at timestamptz,
      any_change boolean not null,
      result json not null,
      computed_at timestamptz not null default now()
    )`,
    `create index verify_decisions_by_cert on verify_decisions (cert_hash)`,
    `create index verify_decisions_by_agent on verify_decisions (agent)`,
    `create table trail_reports (
      id text primary key,
      key_id text not null,
      format text not null,
      bytes bigint not null,
      sha256 text not null,
      ok boolean not null,
      report json not null,
      created_at timestamptz not null default now()
    )`,
    `create index trail_reports_by_time on trail_reports (created_at desc)`,
  ],
}
