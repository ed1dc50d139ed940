/**
 * Public types of calor. Calor solves the heat equation ∂u/∂t = ∇·(α∇u) + f on a rectangle
 * [0, lx] × [0, ly] (or a box [0, lx] × [0, ly] × [0, lz]), on a vertex-centred grid of nx × ny (× nz)
 * nodes, with explicit (FTCS) or Crank–Nicolson (Peaceman–Rachford ADI, 2D) time steps.
 */

import type { Tracker } from '../trackers/tracker.js'
import type { Boundary, GridOptions } from './domain.js'

export type {
  Boundary,
  DirichletSide,
  GridOptions,
  NeumannSide,
  PeriodicSide,
  RobinSide,
  SideBoundary,
  SideDatum,
} from './domain.js'
/** A source f(x, y, t) = shape(x, y)·scale(t). */
export interface SeparableSource {
  shape: FieldInit
  scale: (t: number) => number
}

/**
 * A field given as a function of position ((x, y), or (x, y, z) on a 3D grid), or as nx·ny (·nz) values
 * row-major (node (i, j) at j·nx + i; node (i, j, k) at (k·ny + j)·nx + i).
 */
export type FieldInit = number | ((x: number, y: number, z: number) => number) | Float64Array | readonly number[]

export type Backend = 'native' | 'js'

/** Colour maps for frames: perceptual sequential maps, turbo, Moreland's diverging coolwarm, and gray. */
export type Colormap = 'inferno' | 'viridis' | 'magma' | 'plasma' | 'turbo' | 'coolwarm' | 'gray'

/**
 * PNG frames of the field while it runs, with a manifest `frames.json` beside them. Images show y
 * increasing upward: the top row of pixels is the grid's row j = ny − 1. See the README's Frames section.
 */
export interface FramesOptions {
  /** Directory for `frame-NNNNN.png`, `frames.json` and `animation.png`; created if missing. */
  dir: string
  /** A frame every `every` steps, plus always the first and the last state. @default 100 */
  every?: number
  /** @default 'inferno' */
  colormap?: Colormap
  /**
   * The values drawn with the colour map's two ends (values outside are clamped): `[min, max]`;
   * `'fixed'`, the initial field's min and max (boundary values included), the same for every frame;
   * or `'auto'`, each frame's own min and max. @default 'fixed'
   */
  range?: readonly [number, number] | 'fixed' | 'auto'
  /** Pixels per node along each axis (nearest-neighbour upscaling for small grids). @default 1 */
  scale?: number
  /** Also write `animation.png`, an animated PNG of all frames that plays in any browser. @default false */
  animation?: boolean
  /** Frames per second of the animation. @default 15 */
  fps?: number
  /**
   * Draw a colour bar with its numeric range to the right of the field and the time t and step under
   * it (larger images; the field's pixels are unchanged). Every frame carries tEXt metadata (t, step,
   * range) either way. @default false
   */
  annotate?: boolean
  /**
   * On a 3D grid, the plane each frame draws: the nodes at `index` along `axis` (a z slice is x across,
   * y up; a y slice x across, z up; an x slice y across, z up). The manifest records it.
   * @default the middle z plane, { axis: 'z', index: floor((nz − 1)/2) }
   */
  slice?: { axis: 'x' | 'y' | 'z'; index?: number }
}

/**
 * VTK output for ParaView and VisIt: the field as VTK XML ImageData files `u_000000.vti` (named by step,
 * origin 0 and the grid's spacing, one point array "u" of float64) and the collection `u.pvd` that lists
 * them with their times, rewritten atomically after each file. See docs/vtk.md.
 */
export interface VtkOptions {
  /** Directory for the `.vti` files and `u.pvd`; created if missing. */
  dir: string
  /** A file every `every` steps, plus always the first and the last state. @default 100 */
  every?: number
  /**
   * `'raw'`: binary data appended after the XML (smallest, fastest); `'base64'`: inline base64 (the file
   * is plain text). Both are read by ParaView, VisIt and VTK's own readers. @default 'raw'
   */
  encoding?: 'raw' | 'base64'
}

/** How `savePng()` draws a field. */
export interface SavePngOptions {
  /** The PNG file to write. */
  file: string
  /** @default 'inferno' */
  colormap?: Colormap
  /** The values drawn with the colour map's two ends; @default the field's own min and max */
  range?: readonly [number, number]
  /** Pixels per node along each axis. @default 1 */
  scale?: number
  /** Draw the colour bar, its range, t and step into the image. @default false */
  annotate?: boolean
  /** Recorded in the tEXt metadata (and drawn when annotated). @default 0 */
  t?: number
  /** @default 0 */
  step?: number
}

/** Passed to `onProgress` after every chunk of steps. */
export interface Progress {
  /** Steps taken so far in this call. */
  step: number
  /** Steps this call will take. */
  steps: number
  /** Simulated time now. */
  t: number
  /** Wall-clock seconds since this call began. */
  seconds: number
}

/** Options of `solve()` and `Solver.create()`. */
export interface SolveOptions {
  grid: GridOptions
  /**
   * α > 0: a number, a function (x, y) => α, or nx·ny nodal values. A varying α uses the conservative
   * form ∇·(α∇u) with each face's α the harmonic mean of its two nodes (layers in series add their
   * resistances); the stability limit takes the largest α. @default 1
   */
  diffusivity?: number | ((x: number, y: number) => number) | Float64Array | readonly number[]
  /** The field at t = 0. Boundary nodes of Dirichlet sides are overwritten with their value. @default 0 */
  initial?: FieldInit
  /**
   * The source term f: a number, nx·ny values or a function (x, y), constant in time; a function
   * (x, y, t) (declared with three parameters), evaluated over the grid every step; or the separable
   * `{ shape, scale }`, f = shape(x, y)·scale(t), which costs one call of `scale` per step. Step n takes
   * the source at t_n (forward Euler). @default none
   */
  source?: FieldInit | ((x: number, y: number, t: number) => number) | SeparableSource
  /** @default { type: 'dirichlet', value: 0 } on all sides */
  boundary?: Boundary
  /** Number of steps; give this or `tEnd` to `solve()`. */
  steps?: number
  /** Final time; the solver takes ceil(tEnd / dt) equal steps and lands exactly on it. */
  tEnd?: number
  /**
   * Time step. Explicit: at most the stability limit 1 / (2α(1/dx² + 1/dy²)); Crank–Nicolson: any dt > 0.
   * @default explicit: 0.9 × the stability limit; Crank–Nicolson: 0.1·min(dx, dy)·min(lx, ly)/α (a step
   * proportional to the spacing, so that the O(dt²) error of the scheme stays near the O(h²) error of
   * the grid), or the explicit default if that is larger
   */
  dt?: number
  /**
   * The time stepping: 'explicit' (FTCS, first order, dt limited) or 'crank-nicolson' (Peaceman–Rachford
   * ADI in 2D, Douglas–Gunn in 3D: second order in time, unconditionally stable, one tridiagonal sweep per
   * axis per step). @default 'explicit'
   */
  method?: Method
  /**
   * `solve()` only, instead of `steps` or `tEnd`: run to the steady state, see SteadyOptions.
   * @default none
   */
  until?: SteadyOptions
  /**
   * Worker threads, capped at the number of rows that evolve. @default one per 32 768 nodes, at most one per
   * core (`os.availableParallelism()`): one thread below 256² nodes (lib/parallel/threads.ts says why)
   */
  threads?: number
  /** @default 'native' */
  backend?: Backend
  /**
   * Native backend: steps advanced per pass over memory (temporal blocking), a speed hint that never
   * changes the result. 'auto' uses 1 when a band fits in a core's cache, and more on larger grids (2D:
   * up to 32, at most a band's rows / 16; 3D: up to 8); capped so that every band has at least 2 rows
   * (planes) per blocked step; 1 on a periodic slowest axis. An abort waits for the block in progress
   * (about 140 ms at 8193² on 2 workers; 1 keeps it within a few ms). @default 'auto'
   */
  temporalBlocking?: number | 'auto'
  /**
   * Store every subnormal value (0 < |u| < 2⁻¹⁰²², about 2.2e-308) as +0, right after it is computed,
   * in the field and its ghost cells. A field decaying towards zero otherwise runs 10–20× slower in the
   * CPU's subnormal arithmetic. An explicit flush, the same in both backends and any thread count (no
   * CPU flush-to-zero mode), so results stay bit-identical among runs with this option. Default false.
   */
  flushSubnormals?: boolean
  /** Cancels the run: it rejects with an `AbortError` whose `cause` is the signal's reason. */
  signal?: AbortSignal
  /** Called on the main thread as the run advances (about ten times a second on long runs). */
  onProgress?: (progress: Progress) => void
  /** Write PNG frames (and optionally an animation) while the run advances. @default none */
  frames?: FramesOptions
  /** Write the field as VTK ImageData (`.vti`) files and a `.pvd` collection while the run advances. @default none */
  vtk?: VtkOptions
  /** `solve()` only: save the state every `every` steps, so that a killed run can be resumed. @default none */
  checkpoint?: CheckpointOptions
  /**
   * `solve()` only: continue from this checkpoint file instead of `initial`. The options must describe
   * the same run (grid, diffusivity, boundary, initial, source and time step); the result is then
   * bit-identical to an uninterrupted run. A damaged or mismatched file rejects with a `CheckpointError`.
   * @default none
   */
  resume?: string
  /** Your own trackers: each sees the state at the steps it asks for (see `Tracker`). @default none */
  trackers?: readonly Tracker[]
  /**
   * Record u at points of the domain, interpolated bilinearly from the four nodes around each point, into
   * `result.probes`: a list of points (sampled every step), or `{ points, every }`. A sample is taken at
   * the start, every `every` steps and at the end. See {@link ProbesOptions}. @default none
   */
  probes?: ProbesOptions
}

export type Method = 'explicit' | 'crank-nicolson'

/**
 * A run to the steady state: it stops once the residual, max over the evolving nodes of |∂u/∂t| =
 * |∇·(α∇u) + f| on the grid (for an explicit step exactly max|uⁿ⁺¹ − uⁿ|/dt), is below `steady`, and
 * rejects with a SteadyStateError if that has not happened within `maxSteps` steps (or once it has
 * stopped decreasing, at the rounding floor of the grid). The explicit method checks it between chunks
 * of steps at its dt; Crank–Nicolson takes cycles of steps whose dt runs geometrically (×2 a step)
 * between past 2/λmin and 2/λmax of the grid's operator, largest first, so that every mode of the
 * transient is damped within a cycle: a steady state in tens of steps per decade of residual, whatever
 * the grid. The result's `t` is the time the steps added up to.
 */
export interface SteadyOptions {
  /** The residual to reach, > 0 (in the units of u per unit time). */
  steady: number
  /** The step budget. @default 1000000 */
  maxSteps?: number
}

/** A point of the domain, 0 ≤ x ≤ lx and 0 ≤ y ≤ ly. */
export interface ProbePoint {
  x: number
  y: number
  /** On a 3D grid (required there). */
  z?: number
}

/**
 * Probes: `[{ x, y }, …]` samples every step; `{ points, every }` every `every` steps (an integer ≥ 1).
 * Either way the first state and the last one are sampled too.
 */
export type ProbesOptions = readonly ProbePoint[] | { points: readonly ProbePoint[]; every?: number }

/** The probes' time series: `steps[n]` and `t[n]` are the n-th sample; `series[p].values[n]` is probe p's u then. */
export interface ProbesResult {
  steps: number[]
  t: number[]
  series: ProbeSeries[]
}

export interface ProbeSeries {
  x: number
  y: number
  /** On a 3D grid. */
  z?: number
  values: number[]
}

/** Options of `Solver.create()`: those of `solve()` but the duration (given per `advance()`) and checkpoints. */
export type SolverOptions = Omit<SolveOptions, 'steps' | 'tEnd' | 'until' | 'checkpoint' | 'resume'>

/** Where and how often `solve()` saves its state. */
export interface CheckpointOptions {
  /**
   * The checkpoint file. Each save writes a temporary file beside it, fsyncs it and renames it over
   * this path, so the file is always a whole checkpoint (the previous one or the new one).
   */
  path: string
  /** Save after every `every` steps, counted from the start of the run (an integer ≥ 1). */
  every: number
}

export interface SolveStats {
  /** Wall-clock seconds of the time stepping (workers already started). */
  seconds: number
  /** Node updates per second: evolving nodes × steps / seconds. */
  updatesPerSecond: number
  threads: number
  backend: Backend
  /** seconds / steps (0 for no steps). */
  secondsPerStep: number
  /** Steady runs: the residual max|∂u/∂t| at the end (see SteadyOptions). */
  residual?: number
}

export interface SolveResult {
  /**
   * nx·ny values, row-major: node (i, j) at field[j·nx + i] (3D: nx·ny·nz values, node (i, j, k) at
   * field[(k·ny + j)·nx + i]). A view of the solver's own (shared) buffer, handed over without a copy;
   * `field.buffer` is a SharedArrayBuffer a little longer than the field.
   */
  field: Float64Array
  nx: number
  ny: number
  /** Nodes along z, on a 3D grid only. */
  nz?: number
  /** Final time (exactly `tEnd` when it was given). */
  t: number
  steps: number
  /** The time step (for a Crank–Nicolson steady run, the last one taken). */
  dt: number
  stats: SolveStats
  /** Steady runs: the residual max|∂u/∂t| reached (below `until.steady`). */
  residual?: number
  /** The probes' time series, when `probes` was given. */
  probes?: ProbesResult
}

/** What `Solver.set()` may change between advances: the boundary conditions and the source. */
export interface SolverChanges {
  boundary?: Boundary
  source?: SolveOptions['source']
}

/**
 * How far `Solver.advance()` goes: a number of steps, or up to the absolute time `tEnd`; `signal`
 * cancels this call (the solver's own `signal`, if any, applies too).
 */
export type AdvanceOptions = (
  | { steps: number; tEnd?: undefined; until?: undefined }
  | { tEnd: number; steps?: undefined; until?: undefined }
  | { until: SteadyOptions; steps?: undefined; tEnd?: undefined }
) & {
  signal?: AbortSignal
}

/**
 * `solve()` under `mpiexec -n R node script.mjs`: every rank calls `solve()` with the same options and
 * `mpi: true`; each rank solves a slab of rows (of z planes on a 3D grid) on its own `threads` workers,
 * and the result is bit-identical to one process. See docs/mpi.md. Rank 0 writes the frames, the VTK
 * files and the checkpoints (whole-field files that resume on any number of ranks).
 */
export interface MpiSolveOptions extends SolveOptions {
  mpi: true
  /** Which ranks get the whole field: `'root'` (rank 0; `null` elsewhere) or `'all'`. @default 'root' */
  gather?: 'root' | 'all'
}

/** What `solve({ ...options, mpi: true })` resolves with on each rank. */
export interface MpiSolveResult extends Omit<SolveResult, 'field'> {
  /**
   * The whole field (nx·ny, row-major; nx·ny·nz in 3D, as `SolveResult.field`) on rank 0, or on every rank
   * with `gather: 'all'`; `null` elsewhere.
   */
  field: Float64Array | null
  mpi: MpiStats
}

export interface MpiStats {
  /** This rank (0…ranks−1) and the number of ranks. */
  rank: number
  ranks: number
  /** The node rows this rank owns: [firstRow, firstRow + rows) (on a 3D grid, every row: 0 and ny). */
  firstRow: number
  rows: number
  /** On a 3D grid only, the node planes this rank owns (slabs cut z): [firstPlane, firstPlane + planes). */
  firstPlane?: number
  planes?: number
  /** Halo rows (planes in 3D) exchanged with each neighbour every `halo` steps. */
  halo: number
  /** Wall-clock seconds this rank spent in halo exchanges (a part of `stats.seconds`). */
  exchangeSeconds: number
  /** How many exchanges this rank made. */
  exchanges: number
}
