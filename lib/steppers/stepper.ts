/**
 * Steppers: a time-stepping method, registered under its name. A stepper turns a Problem into what
 * the kernels run: the coefficients of a step of dt, and the Schedule of phases and barriers for the
 * bands. The gang and the workers know no stepper; they run its schedule.
 */
import { adi } from './adi.js'
import { ftcs } from './ftcs.js'
import type { Stepper } from './schedule.js'

export type { StepSpec, Stepper } from './schedule.js'

/** Every method, by its name (`options.method`). A new method is registered here and nowhere else. */
export const kSteppers: ReadonlyMap<string, Stepper> = new Map([ftcs, adi].map((s) => [s.method, s]))

/** The stepper of a validated method name. */
export function stepperFor(method: string): Stepper {
  const stepper = kSteppers.get(method)
  if (stepper === undefined) throw new RangeError(`no stepper is registered for method '${method}'`)
  return stepper
}

/** Splits a duration into equal steps: `tEnd` in ceil(tEnd / dtMax) steps that land exactly on it. */
export function stepsFor(tEnd: number, dtMax: number): { steps: number; dt: number } {
  const steps = Math.max(1, Math.ceil((tEnd / dtMax) * (1 - 1e-12)))
  return { steps, dt: tEnd / steps }
}
