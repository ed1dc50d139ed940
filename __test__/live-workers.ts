/** The gang's test hook: every running worker of every gang, mapped to its name (`calor-worker-N`). */
import { Gang, kLiveWorkers } from '../dist/parallel/gang.js'

export const liveWorkers = (Gang as unknown as Record<symbol, Map<unknown, string>>)[kLiveWorkers]
