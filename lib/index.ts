export { solve, Solver, type AdvanceResult } from './solver.js'
export { AbortError, CheckpointError, NonFiniteError, StabilityError, WorkerError } from './errors.js'
export type * from './types.js'
export { formatNpy, NpyError, parseNpy, readNpy, writeNpy, type Npy2D } from './npy.js'
export {
  sweep,
  sweepIterator,
  SweepPool,
  type SweepEntry,
  type SweepOptions,
  type SweepOutcome,
  type SweepPoolOptions,
  type SweepProgress,
  type SweepRunOptions,
} from './api/sweep.js'
