import type { Migration } from './migration.ts'

/**
 * The registry index the watcher keeps: every certificate it saw on the registry, with its status as of the last
 * event it processed (its changes are also in `events`, kind `certificate`). The watcher's head (the newest confirmed
 * block processed) is the state key `watch/head`.
 */
export const migration: Migration = {
  version: 5,
  name: 'registry-index',
  statements: [
    `create table certificates (
      cert_hash text primary key,
      agent text not null,
      operator text,
      class text,
      containment_bound text,
      issued_at timestamptz,
      expires_at timestamptz,
      status text,
      uri text,
      published_block bigint,
      published_tx text,
      renewed_by text,
      last_block bigint not null,
      last_log_index integer not null,
      updated_at timestamptz not null default now()
    )`,
    `create index certificates_by_agent on certificates (lower(agent), published_block desc)`,
    `create index certificates_by_operator on certificates (lower(operator))`,
    `create index certificates_by_status_expiry on certificates (status, expires_at)`,
  ],
}
