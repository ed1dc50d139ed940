export { solve, Solver, type AdvanceResult } from './solver.js'
export { AbortError, NonFiniteError, StabilityError, WorkerError } from './errors.js'
export type * from './types.js'
