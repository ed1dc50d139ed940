/** Messages between the solver (main thread) and its workers. */
import type { Backend } from '../api/types.js'
import type { StencilSpec } from '../backends/kernel.js'
import type { GhostRule } from '../model/boundary/index.js'
import type { ConstantFill } from '../model/constant.js'
import type { RingLayout } from '../model/side-ring.js'
import type { BandSchedule, StepSpec } from '../steppers/schedule.js'
import type { Band } from './partition.js'

/** A ghost row this worker refreshes after each step, from node rows it owns (padded row indices). */
export interface GhostRowJob {
  readonly target: number
  readonly inside: number
  readonly boundary: number
  readonly rule: GhostRule
}

/** Passed once, as workerData. */
export interface WorkerInit {
  readonly name: string
  readonly parties: number
  readonly backend: Backend
  readonly fields: readonly [SharedArrayBuffer, SharedArrayBuffer]
  readonly source: SharedArrayBuffer | null
  /** A variable diffusivity's faces (four padded fields, see model/faces.ts), or null for a constant α. */
  readonly faces: SharedArrayBuffer | null
  /**
   * A source that varies in time: step k of every run weighs the source by weights[k] (dt·g(t_k), filled
   * by the main thread before the run) in place of dt; Crank–Nicolson's half steps by dt/2·g(t_{k+1/2})
   * in place of dt/2. Null otherwise.
   */
  readonly weights: SharedArrayBuffer | null
  /**
   * Side data given as functions: the ring of per-step slots the main thread fills ahead (model/side-ring.ts);
   * step n of the solver reads slot n mod slots. Null when no side's data vary.
   */
  readonly timed: { readonly layout: RingLayout; readonly ring: SharedArrayBuffer } | null
  readonly control: SharedArrayBuffer
  /** Values per band unit: a padded row in 2D, a padded plane in 3D (every index below counts units). */
  readonly stride: number
  /** The node rows (planes in 3D) this worker updates. */
  readonly band: Band
  readonly ghostRows: readonly GhostRowJob[]
  /** This worker's part of the stepper's schedule. */
  readonly schedule: BandSchedule
  /** Store subnormal results (rows and ghost rows) as +0, right after they are written. */
  readonly flushSubnormals: boolean
  /**
   * A constant initial field this worker writes into its own units of fields[0] (node values, fixed values,
   * halo, its ghost rows) before it copies them: see model/constant.ts. Null when the field is already filled.
   */
  readonly fill: ConstantFill | null
  /**
   * Padded rows [first, end) this worker copies from fields[0] into fields[1] before it reports ready:
   * the second buffer is filled by all workers in parallel (the main thread copies the other rows).
   */
  readonly copyRows: readonly [number, number]
}

/**
 * Advance `steps` steps; field `parity` is the source of the first one. `stencil` is what the stepper
 * made for the schedule the worker runs (an explicit stencil, or ADI's line systems).
 */
export interface RunRequest<S extends StepSpec = StencilSpec> {
  readonly type: 'run'
  readonly steps: number
  /** The solver's step count at the run's start: its step s reads the side ring's slot (first + s) mod slots. */
  readonly first: number
  readonly parity: 0 | 1
  readonly stencil: S
}

/**
 * What a gang says to a worker of the warm pool (pool.ts) besides runs: take this band (reply 'ready'),
 * or drop it (no reply; the next message is the next gang's init).
 */
export type PoolRequest = { readonly type: 'init'; readonly init: WorkerInit } | { readonly type: 'release' }

/** What a run did: steps every worker completed, and whether an abandoned barrier ended it. */
export interface RunOutcome {
  steps: number
  abandoned: boolean
  /** Abandoned inside a temporal block: the fields hold mixed time levels. */
  lost: boolean
}

export type WorkerReply =
  | { readonly type: 'ready' }
  /**
   * `steps` completed by every worker; fewer than requested after a stop or abort (an abort inside a
   * temporal block ends the run after that block, so the fields always hold a whole state).
   */
  | { readonly type: 'done'; readonly steps: number }
  /** The gang counts the steps completed from the barrier. */
  | { readonly type: 'error'; readonly message: string; readonly stack: string | undefined }
  /** A peer failed and this worker left the barrier. */
  | { readonly type: 'abandoned' }

/** A backend's run loop: made once per worker, called once per run request. */
export type Runner<S extends StepSpec = StencilSpec> = (
  init: WorkerInit,
) => Promise<(request: RunRequest<S>) => RunOutcome>
