/** The bridge's default data folder, relative to the working directory: the local store in `store/`, the embedded database in `db/`. */
export const DEFAULT_DATA_DIR = '.ccp-bridge'
