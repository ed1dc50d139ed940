export { solve } from './api/solve.js'
export { savePng } from './api/png.js'
export { Solver, type AdvanceResult } from './api/solver.js'
export {
  AbortError,
  CheckpointError,
  isOptionsError,
  kOptionsErrorCode,
  NonFiniteError,
  StabilityError,
  SteadyStateError,
  WorkerError,
} from './api/errors.js'
export type * from './api/types.js'
export type { Grid } from './model/grid.js'
export { everySteps, type Snapshot, type Tracker } from './trackers/tracker.js'
export { formatProbesCsv, formatProbesJson, writeProbes } from './storage/probes-file.js'
export { formatNpy, NpyError, parseNpy, readNpy, writeNpy, type Npy2D } from './storage/npy.js'
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
export { closeWarmPool } from './parallel/pool.js'
