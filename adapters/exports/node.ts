/**
 * `cere-ccp-bridge/node`: the Node.js adapters a backend passes to the use cases: content stores (a local folder, a
 * DDC bucket: the DDC SDK is loaded only when one is opened), state stores (the SQL state database: PostgreSQL by URL or
 * embedded PGlite, loaded only when opened; a JSON file), GAR grant sources (HTTP, files), and the evidence readers
 * (trail files, keys, containment config, risk policy) with trail verification on worker threads.
 * @example import { localContentStore, httpGrantSource, openDatabase, sqlStateStore } from 'cere-ccp-bridge/node'
 */
export { localContentStore } from '../store/local-content-store.ts'
export { ddcContentStore, type DdcStoreConfig } from '../ddc/ddc-content-store.ts'
export { openDatabase, DEFAULT_DATA_DIR, type DatabaseOptions } from '../sql/open-database.ts'
export { sqlStateStore } from '../sql/sql-state-store.ts'
export type { SqlDatabase, SqlExecutor } from '../sql/database.ts'
export { jsonStateStore } from '../store/json-state-store.ts'
export { httpGrantSource, type HttpGrantSourceOptions } from '../gar/http-grant-source.ts'
export { fileGrantSource } from '../gar/file-grant-source.ts'
export { readGrantSources } from '../files/grants.ts'
export { readKeysFile } from '../files/keys.ts'
export { readConfig, readPolicy, readTrail } from '../cli/bridge-context.ts'
export { readTrailFile, type TrailInput as TrailFileInput } from '../files/trail-files.ts'
export { verifyTrailFiles, type TrailSink, type VerifyOptions } from '../workers/verify-trail.ts'
