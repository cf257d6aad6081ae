/**
 * One versioned schema change: statements run in order in one transaction, recorded in `schema_migrations`.
 * Versions only grow; a released migration is never edited (add a new one).
 */
export type Migration = { version: number; name: string; statements: string[] }
