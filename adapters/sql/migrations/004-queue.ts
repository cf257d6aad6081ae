import type { Migration } from './migration.ts'

/**
 * The queue's trail runs (`trail verify --queue`): one row per coordinator run, and one row per verified batch with
 * what the coordinator needs to assemble the same report as a local run: the counts, the invalid records with their
 * file and offset (or line), the leaf hashes the Merkle roots need (32 bytes a record, in order), one compact row per
 * record (entries), the batches and rounds the part held, or the error that made the part unreadable. pg-boss keeps
 * the jobs themselves in its own schema. Deleting a run deletes its batches.
 */
export const migration: Migration = {
  version: 4,
  name: 'queue',
  statements: [
    `create table trail_runs (
      id uuid primary key,
      files jsonb not null,
      batches integer not null,
      created_at timestamptz not null default now()
    )`,
    `create table trail_batches (
      run_id uuid not null references trail_runs (id) on delete cascade,
      batch integer not null,
      file text not null,
      slice jsonb not null,
      records integer not null,
      signatures integer not null,
      valid_signatures integer not null,
      valid integer not null,
      invalid jsonb not null,
      leaf_hashes bytea not null,
      entries text not null,
      items jsonb not null,
      error jsonb,
      worker text not null,
      finished_at timestamptz not null default now(),
      primary key (run_id, batch)
    )`,
  ],
}
