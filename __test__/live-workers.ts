/** The pool's test hook: every running worker of every pool, mapped to its name (`calor-worker-N`). */
import { kLiveWorkers, WorkerPool } from '../dist/pool.js'

export const liveWorkers = (WorkerPool as unknown as Record<symbol, Map<unknown, string>>)[kLiveWorkers]
