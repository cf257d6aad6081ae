// Entry of a verification worker thread: registers tsx (as bin/ccp-bridge.mjs does), then runs the TypeScript worker.
import { register } from 'tsx/esm/api'

register()
await import('./verify-worker.ts')
