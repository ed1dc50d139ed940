/**
 * Step observers: code that wants to see the field at chosen steps (frames, checkpoints) without the
 * solver knowing what it does with it. The solver ends a chunk of steps at every step an observer asks
 * for, calls `observe` while the workers are idle, and awaits it (an observer applies back-pressure
 * by returning a promise; it should snapshot and return quickly).
 */
import type { Grid } from './grid.js'

export interface Snapshot {
  /** Steps since the solver was created. */
  readonly step: number
  readonly t: number
  readonly dt: number
  readonly grid: Grid
  /** 'start' before the first step of an advance, 'step' at a requested step, 'end' after the last. */
  readonly kind: 'start' | 'step' | 'end'
  /** A copy of the field (nx·ny, row-major). Copy only if you need it: it allocates. */
  field(): Float64Array
}

export interface StepObserver {
  /** The next step strictly after `step` at which this observer wants a snapshot (Infinity for none). */
  nextStep(step: number): number
  observe(snapshot: Snapshot): void | Promise<void>
  /** Called once when the solver closes: flush and release. */
  close?(): Promise<void>
}
