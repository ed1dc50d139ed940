/** The gang's test hook: every running worker of every gang, mapped to its name (`calor-worker-N`). */
import type { Worker } from 'node:worker_threads'

import { Gang, kLiveWorkers } from '../dist/parallel/gang.js'
import { kIdleWorkers, warmPool } from '../dist/parallel/pool.js'

export const liveWorkers = (Gang as unknown as Record<symbol, Map<unknown, string>>)[kLiveWorkers]

/** The warm pool's test hook: the workers idle in it, waiting for solve()'s next gang. */
export const idleWorkers = (warmPool as unknown as Record<symbol, () => Worker[]>)[kIdleWorkers]
