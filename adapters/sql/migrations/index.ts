import { migration as state } from './001-state.ts'
import { migration as erasEvents } from './002-eras-events.ts'
import { migration as service } from './003-service.ts'
import { migration as queue } from './004-queue.ts'
import { migration as registryIndex } from './005-registry-index.ts'
import type { Migration } from './migration.ts'

/** Every migration, in version order. */
export const MIGRATIONS: Migration[] = [state, erasEvents, service, queue, registryIndex]
