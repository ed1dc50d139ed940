import { type Grid, nodeOf } from '../model/grid.js'

/** The run was cancelled through its AbortSignal; `cause` is the signal's reason. */
export class AbortError extends Error {
  override name = 'AbortError'
  readonly code = 'ABORT_ERR'
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** The time step is above the explicit scheme's stability limit. */
export class StabilityError extends RangeError {
  override name = 'StabilityError'
  constructor(
    message: string,
    /** The largest stable time step for this grid and diffusivity. */
    readonly limit: number,
  ) {
    super(message)
  }
}

/** A worker failed (threw, exited or was killed); the run is rejected and every worker stopped. */
export class WorkerError extends Error {
  override name = 'WorkerError'
  constructor(
    message: string,
    /** The worker's name, e.g. `calor-worker-2`. */
    readonly worker: string,
    /** The node rows [first, last] the worker owned. */
    readonly rows: readonly [number, number],
    /** Steps completed in the failing call before the failure, as far as the solver knows. */
    readonly step: number,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** The field became NaN or infinite; the run stopped at that step (every worker at the same one). */
export class NonFiniteError extends RangeError {
  override name = 'NonFiniteError'
  constructor(
    message: string,
    /** The step after which the first non-finite value was seen (counted since the solver was created). */
    readonly step: number,
    /** The first non-finite node (i, j) in row-major order ((i, j, k) on a 3D grid). */
    readonly node: readonly [number, number] | readonly [number, number, number],
  ) {
    super(message)
  }
}

/**
 * The error for a run at solver step `now` whose `field` went non-finite `later` steps before. A temporal
 * block is kept only whole, so then the node is the first bad one at the block's end, which the message says.
 */
export function nonFiniteError(grid: Grid, field: Float64Array, now: number, later: number): NonFiniteError {
  const k = field.findIndex((v) => !Number.isFinite(v))
  const [i, j, plane] = nodeOf(grid, k)
  const node = grid.nz > 1 ? ([i, j, plane] as const) : ([i, j] as const)
  const step = now - later
  const at = `node (${node.join(', ')}) is ${field[k]}`
  const message =
    later === 0
      ? `the field became non-finite at step ${step}: ${at}`
      : `the field became non-finite at step ${step}: at step ${now}, the end of its temporal block, ${at} (temporalBlocking: 1 names the first bad node at step ${step} and its value)`
  return new NonFiniteError(message, step, node)
}

/** A run to the steady state (`until`) used its step budget without getting the residual below the tolerance. */
export class SteadyStateError extends RangeError {
  override name = 'SteadyStateError'
  constructor(
    message: string,
    /** Steps taken (the budget). */
    readonly steps: number,
    /** The residual max|∂u/∂t| reached. */
    readonly residual: number,
  ) {
    super(message)
  }
}

/**
 * A checkpoint could not be read, is damaged, or belongs to a run with other options. Callers may
 * branch on it, e.g. to start afresh when there is nothing valid to resume from.
 */
export class CheckpointError extends Error {
  override name = 'CheckpointError'
  constructor(
    message: string,
    /** The checkpoint file. */
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/**
 * The `code` of every error that refuses an option (each is a TypeError or a RangeError, such as a
 * StabilityError): callers such as the CLI tell bad input from a failure of the run by it, not by class.
 */
export const kOptionsErrorCode = 'ERR_CALOR_OPTIONS'

/** Runs `check`, marking any TypeError or RangeError it throws as an options error. */
export function asOptionsErrors<T>(check: () => T): T {
  try {
    return check()
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      Object.defineProperty(error, 'code', { value: kOptionsErrorCode, enumerable: true, configurable: true })
    }
    throw error
  }
}

/** True for an error that refused an option (see kOptionsErrorCode). */
export function isOptionsError(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === kOptionsErrorCode
}
