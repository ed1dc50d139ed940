/**
 * A Schedule: the phases of one round of a run (a step, or a temporal block of k steps) and the barriers
 * between them, as the stepper planned them. The gang only counts barrier releases with it; each worker
 * hands its own part (BandSchedule) to the kernel's loop.
 *
 * - plain FTCS: one phase (step the band, refresh its ghost rows), one barrier per step;
 * - temporal blocking: a wavefront phase and a valley phase, two barriers per k steps;
 * - ADI (Crank–Nicolson): x-lines on row bands | barrier | y-lines on column blocks | barrier;
 *   in 3D (Douglas–Gunn) x- and y-lines on plane bands | barrier | z-lines on row blocks | barrier.
 */
import type { StencilSpec } from '../backends/kernel.js'
import type { LineSpec } from '../backends/lines.js'
import type { PlaneLineSpec } from '../backends/lines3d.js'
import type { Problem } from '../options/problem.js'
import type { Band } from '../parallel/partition.js'

/** One worker's part: k steps per round, and where its band meets the others (blocking needs it). */
export interface BandSchedule {
  readonly k: number
  /** Units (rows, planes) a temporal block's wavefront advances per level at each front; 1 if absent. */
  readonly tile?: number
  /** Another band ends just below this one. */
  readonly below: boolean
  /** The end row of the band just above, or null if none. */
  readonly aboveEnd: number | null
  /** ADI only: the node columns [start, end) whose y-lines this worker solves (possibly none). */
  readonly columns?: Band
  /** Douglas–Gunn (3D) only: the node rows [start, end) whose z-lines (every column of them) this worker solves. */
  readonly zRows?: Band
}

export interface Schedule {
  readonly name: 'plain' | 'blocked' | 'adi'
  /** Steps one round advances. */
  readonly steps: number
  /** Barrier releases per round. */
  readonly barriers: number
  /** The two field buffers swap roles every step (false for ADI, whose step ends in the buffer it began in). */
  readonly swaps: boolean
  /** Per worker, in band order. */
  readonly bands: readonly BandSchedule[]
}

/** Steps every worker has completed after `releases` barrier releases since a run began. */
export function stepsAfter(schedule: Schedule, releases: number): number {
  return Math.floor(releases / schedule.barriers) * schedule.steps
}

/** What one step of a method costs the kernels: an explicit stencil, or ADI's factored line systems. */
export type StepSpec = StencilSpec | LineSpec | PlaneLineSpec

/** A time-stepping method (see stepper.ts for the registry). */
export interface Stepper {
  readonly method: string
  /** What the kernels need for a step of `dt`. */
  stencil(problem: Problem, dt: number): StepSpec
  /** The phases and barriers of a run over these bands. */
  schedule(problem: Problem, bands: readonly Band[]): Schedule
}
