/** Messages between the solver (main thread) and its workers. */
import type { Band } from './partition.js'
import type { StencilSpec } from './stencil.js'
import type { Backend } from './types.js'

/** A ghost row this worker refreshes after each step, from a node row it owns (padded row indices). */
export interface GhostRowJob {
  readonly target: number
  readonly from: number
  readonly offset: number
}

/** Passed once, as workerData. */
export interface WorkerInit {
  readonly name: string
  readonly parties: number
  readonly backend: Backend
  readonly fields: readonly [SharedArrayBuffer, SharedArrayBuffer]
  readonly source: SharedArrayBuffer | null
  readonly control: SharedArrayBuffer
  /** Values per padded row. */
  readonly stride: number
  /** The node rows this worker updates. */
  readonly band: Band
  readonly ghostRows: readonly GhostRowJob[]
  /** Native temporal blocking: [k steps per pass, 1 if a band ends just below, end row of the band above or 0]. */
  readonly blocking: readonly [number, number, number]
}

/** Advance `steps` steps; field `parity` is the source of the first one. */
export interface RunRequest {
  readonly type: 'run'
  readonly steps: number
  readonly parity: 0 | 1
  readonly stencil: StencilSpec
}

export type WorkerReply =
  | { readonly type: 'ready' }
  /**
   * `steps` completed by every worker; fewer than requested after a stop or abort. `lost`: aborted
   * inside a temporal block, so the fields hold mixed time levels.
   */
  | { readonly type: 'done'; readonly steps: number; readonly lost: boolean }
  /** The pool counts the steps completed from the barrier. */
  | { readonly type: 'error'; readonly message: string; readonly stack: string | undefined }
  /** A peer failed and this worker left the barrier. */
  | { readonly type: 'abandoned' }
