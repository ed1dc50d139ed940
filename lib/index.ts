export { solve, Solver, type AdvanceResult } from './solver.js'
export { AbortError, CheckpointError, StabilityError, WorkerError } from './errors.js'
export type * from './types.js'
