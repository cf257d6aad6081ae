import type { Migration } from './migration.ts'

/** Era reconciliations (one row a cluster-era) and the event log that `/v1/events` streams. */
export const migration: Migration = {
  version: 2,
  name: 'eras-events',
  statements: [
    `create table eras (
      cluster_id text not null,
      era bigint not null,
      verdict text not null check (verdict in ('balanced', 'discrepancies', 'incomplete')),
      result jsonb not null,
      html text,
      source text not null,
      block bigint,
      reconciled_at timestamptz not null default now(),
      primary key (cluster_id, era)
    )`,
    `create table events (
      id bigserial primary key,
      kind text not null,
      subject text not null,
      payload jsonb not null,
      block bigint,
      created_at timestamptz not null default now()
    )`,
    `create index events_by_subject on events (subject, id)`,
  ],
}
