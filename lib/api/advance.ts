/** How far one `Solver.advance()` goes: its options checked (marked as options errors) into a plan. */
import { checkStable } from '../model/equation.js'
import { describe, integerAtLeast, positiveNumber } from '../options/check.js'
import { checkDuration, checkSteps } from '../options/limits.js'
import { parseUntil } from '../options/method.js'
import type { Problem, SteadyGoal } from '../options/problem.js'
import { stepsFor } from '../steppers/stepper.js'
import { asOptionsErrors } from './errors.js'
import type { AdvanceOptions } from './types.js'

export interface AdvancePlan {
  readonly steps: number
  readonly dt: number
  /** The absolute time to land on exactly, for `{ tEnd }`. */
  readonly landOn: number | undefined
  readonly signal: AbortSignal | undefined
  /** Run to the steady state (then `steps` is 0 and `dt` the first step's). */
  readonly until?: SteadyGoal
}

/** The signal that fires when either does (AbortSignal.any needs Node 20.3). */
function anySignal(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  return a === undefined ? b : b === undefined ? a : AbortSignal.any([a, b])
}

function plan(options: AdvanceOptions, problem: Problem, t: number): AdvancePlan {
  const o = options as Record<string, unknown> | undefined
  const given = (x: Record<string, unknown>) => [x.steps, x.tEnd, x.until].filter((v) => v !== undefined).length
  if (typeof o !== 'object' || o === null || given(o) !== 1) {
    throw new TypeError('Solver.advance() takes { steps }, { tEnd } or { until }, exactly one of them')
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new TypeError(`advance.signal must be an AbortSignal, got ${describe(o.signal)}`)
  }
  const signal = anySignal(o.signal as AbortSignal | undefined, problem.signal)
  if (o.until !== undefined)
    return { steps: 0, dt: problem.dt, landOn: undefined, signal, until: parseUntil(o.until, 'advance.until') }
  if (o.steps !== undefined) {
    const steps = integerAtLeast('advance.steps', o.steps, 0)
    checkSteps(steps, 'advance.steps')
    return { steps, dt: problem.dt, landOn: undefined, signal }
  }
  const tEnd = positiveNumber('advance.tEnd', o.tEnd)
  if (tEnd < t) throw new RangeError(`advance.tEnd (${tEnd}) is before the current time ${t}`)
  if (tEnd === t) return { steps: 0, dt: problem.dt, landOn: tEnd, signal }
  checkDuration(tEnd - t, problem.dt, 'advance.tEnd', tEnd)
  const { steps, dt } = stepsFor(tEnd - t, problem.dt)
  if (problem.method === 'explicit') checkStable('advance.tEnd step', dt, problem.dtLimit)
  return { steps, dt, landOn: tEnd, signal }
}

/** Checks `options` against the problem at time `t`; throws an options error naming the bad field. */
export function planAdvance(options: AdvanceOptions, problem: Problem, t: number): AdvancePlan {
  return asOptionsErrors(() => plan(options, problem, t))
}
