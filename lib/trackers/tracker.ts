/**
 * Trackers: code that sees the state at chosen steps without the solver knowing what it does with it
 * (py-pde's `tracker=`). Frames, checkpoints and progress are built-in trackers; a user passes their own
 * in `options.trackers`. The solver ends a chunk of steps at every step a tracker asks for, calls
 * `observe` while the workers are idle, and awaits it: a tracker applies back-pressure by returning a
 * promise, so it should take what it needs (`snapshot.field()`) and return quickly.
 */
import type { Grid } from '../model/grid.js'

/** What a tracker sees. */
export interface Snapshot {
  /** Steps since the solver was created. */
  readonly step: number
  readonly t: number
  readonly dt: number
  readonly grid: Grid
  /** 'start' before the first step of an advance, 'step' at a requested step, 'end' after the last. */
  readonly kind: 'start' | 'step' | 'end'
  /** The advance in progress: the step it started from, the steps it takes, wall seconds since it began. */
  readonly run: { readonly firstStep: number; readonly steps: number; readonly seconds: number }
  /** A copy of the field (nx·ny, row-major). Copy only if you need it: it allocates. */
  field(): Float64Array
  /** u at node (i, j), read in place (no copy): for trackers that need a few values, such as probes. */
  value(i: number, j: number): number
}

export interface Tracker {
  /** The next step strictly after `step` at which this tracker wants a snapshot (Infinity for none). */
  nextStep(step: number): number
  /** Sees a snapshot; it gets every snapshot, also those another tracker asked for. */
  observe(snapshot: Snapshot): void | Promise<void>
  /** Called once when the solver closes: flush and release. */
  close?(): void | Promise<void>
}

/** A tracker that calls `observe` every `every` steps (and at the start and end of every advance). */
export function everySteps(every: number, observe: (snapshot: Snapshot) => void | Promise<void>): Tracker {
  if (!Number.isInteger(every) || every < 1)
    throw new TypeError(`everySteps: every must be an integer >= 1, got ${every}`)
  return { nextStep: (step) => (Math.floor(step / every) + 1) * every, observe }
}
