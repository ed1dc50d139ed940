/**
 * Steppers: a time-stepping method, registered under its name. A stepper turns a Problem into what
 * the kernels run: the coefficients of a step of dt, and the Schedule of phases and barriers for the
 * bands. The gang and the workers know no stepper; they run its schedule.
 */
import type { StencilSpec } from '../backends/kernel.js'
import type { Problem } from '../options/problem.js'
import type { Band } from '../parallel/partition.js'
import type { Schedule } from './schedule.js'

export interface Stepper {
  readonly method: string
  /** The kernel's coefficients for a step of `dt`. */
  stencil(problem: Problem, dt: number): StencilSpec
  /** The phases and barriers of a run over these bands. */
  schedule(problem: Problem, bands: readonly Band[]): Schedule
}

/** Splits a duration into equal steps: `tEnd` in ceil(tEnd / dtMax) steps that land exactly on it. */
export function stepsFor(tEnd: number, dtMax: number): { steps: number; dt: number } {
  const steps = Math.max(1, Math.ceil((tEnd / dtMax) * (1 - 1e-12)))
  return { steps, dt: tEnd / steps }
}
