import type { Migration } from './migration.ts'

/** The key-value state of the use cases (publish steps, watcher cursors, certificates followed, pending revocations). */
export const migration: Migration = {
  version: 1,
  name: 'state',
  statements: [
    `create table state (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    )`,
    // JSON state files of earlier versions, imported once (their keys never overwrite what SQL already holds)
    `create table imported_state_files (
      path text primary key,
      sha256 text not null,
      keys integer not null,
      imported_at timestamptz not null default now()
    )`,
  ],
}
