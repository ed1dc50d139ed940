/**
 * The Problem: the frozen result of validation that every other module reads. Nothing in it is read
 * from the caller's objects again; every field is filled and checked.
 */
import type { Backend, CheckpointOptions, Progress } from '../api/types.js'
import type { GhostRule, SideName, Sides } from '../model/boundary/index.js'
import type { Grid } from '../model/grid.js'
import type { Tracker } from '../trackers/tracker.js'
import type { FramesConfig } from './frames.js'
import type { ProbesConfig } from './probes.js'
import type { VtkConfig } from './vtk.js'

export type Method = 'explicit' | 'crank-nicolson'

/** How a steady run ends: max over the evolving nodes of |∂u/∂t| below `tolerance`, within `maxSteps` steps. */
export interface SteadyGoal {
  readonly tolerance: number
  readonly maxSteps: number
}

export interface Problem {
  readonly grid: Grid
  /** α when it is one number; the largest nodal α when it varies (the stability limit's α). */
  readonly diffusivity: number
  /** The nodal α (nx·ny) when it varies, or null: faces are computed from it once per run (model/faces.ts). */
  readonly diffusivityField: Float64Array | null
  readonly sides: Sides
  /** Each side's ghost rule, checked finite. */
  readonly ghosts: Readonly<Record<SideName, GhostRule>>
  /**
   * The initial values with the fixed sides' values applied, halo-padded on a SharedArrayBuffer (halo
   * zero). It becomes the solver's first field buffer (api/start.ts): read it only before the solver starts.
   */
  readonly initial: Float64Array
  /**
   * The source values (the separable form's shape; f(x, y, 0) for a function of t), halo-padded on a
   * SharedArrayBuffer (the workers read it as is), or null for none.
   */
  readonly source: Float64Array | null
  /** The separable source's scale g(t): step n adds dt·g(t_n)·shape. */
  readonly sourceScale: ((t: number) => number) | null
  /** A source f(x, y, t), evaluated over the grid at t_n before step n. */
  readonly sourceAt: ((x: number, y: number, t: number) => number) | null
  /** The stability limit 1 / (2α(1/dx² + 1/dy²)). */
  readonly dtLimit: number
  /** The time step for `steps`, and the largest allowed step for `tEnd`. */
  readonly dt: number
  readonly steps: number | undefined
  readonly tEnd: number | undefined
  /** The time-stepping method ('explicit' FTCS or 'crank-nicolson' ADI). */
  readonly method: Method
  /** solve() only: run to the steady state instead of for `steps` or up to `tEnd`. */
  readonly until: SteadyGoal | undefined
  readonly threads: number
  readonly backend: Backend
  readonly temporalBlocking: number | 'auto'
  /** Store subnormal results as +0 (both backends, the same way). */
  readonly flushSubnormals: boolean
  readonly signal: AbortSignal | undefined
  readonly onProgress: ((progress: Progress) => void) | undefined
  readonly frames: FramesConfig | undefined
  /** VTK ImageData files and their .pvd collection. */
  readonly vtk: VtkConfig | undefined
  /** Points where u is recorded into `result.probes`. */
  readonly probes: ProbesConfig | undefined
  /** solve() only. */
  readonly checkpoint: CheckpointOptions | undefined
  /** solve() only: the checkpoint file to resume from. */
  readonly resume: string | undefined
  /** The caller's own trackers. */
  readonly trackers: readonly Tracker[]
}

/** Where a solver starts when it resumes: a saved field (nx·ny), its step and its time. */
export interface StartState {
  readonly field: Float64Array
  readonly step: number
  readonly t: number
}
