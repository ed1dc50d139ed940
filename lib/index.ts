export { solve } from './api/solve.js'
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
export { formatNpy, NpyError, parseNpy, readNpy, writeNpy, type Npy2D } from './storage/npy.js'
