/**
 * The time-stepping options: `method` ('explicit' FTCS or 'crank-nicolson' ADI), the time step each
 * takes by default, and `until: { steady, maxSteps }`, a run to the steady state.
 */
import { kSideNames3d, type Sides } from '../model/boundary/index.js'
import { type Grid, is3d } from '../model/grid.js'
import { implicitDefaultDt } from '../steppers/adi.js'
import { checkKeys, fail, integerAtLeast, isPlainObject, positiveNumber } from './check.js'
import { checkSteps } from './limits.js'
import type { Method, SteadyGoal } from './problem.js'

/** The step budget of a steady run unless `until.maxSteps` says otherwise. */
export const kSteadyMaxSteps = 1_000_000

/**
 * Refuses, by name, what Crank–Nicolson on a 3D grid (Douglas–Gunn, whose line systems are factored once
 * per dt for one α) does not take yet: a varying diffusivity with a periodic axis, and side data given
 * as functions.
 */
export function checkImplicit3d(method: Method, grid: Grid, varyingDiffusivity: boolean, sides: Sides): void {
  if (method === 'explicit' || !is3d(grid)) return
  const why = `options.method '${method}' on a 3D grid (options.grid.nz) takes`
  const periodic = grid.periodicX || grid.periodicY || grid.periodicZ
  if (varyingDiffusivity && periodic) {
    throw new TypeError(`${why} a varying options.diffusivity only without periodic sides for now; use 'explicit'`)
  }
  const side = kSideNames3d.find((name) => sides[name]?.varying === true)
  if (side !== undefined) {
    throw new TypeError(
      `${why} side data as numbers for now, got a function in options.boundary.${side}; use 'explicit'`,
    )
  }
}

export function parseMethod(value: unknown): Method {
  if (value === undefined) return 'explicit'
  if (value !== 'explicit' && value !== 'crank-nicolson')
    fail('options.method', "'explicit' or 'crank-nicolson'", value)
  return value
}

/**
 * The time step: `dt` as given, or the method's default, 0.9 × the stability limit (explicit) or
 * implicitDefaultDt (Crank–Nicolson, which is stable for any dt > 0). The caller checks an explicit
 * dt against the limit.
 */
export function parseTimeStep(
  value: unknown,
  method: Method,
  grid: Grid,
  diffusivity: number,
  dtLimit: number,
  safety: number,
) {
  const explicitDt = safety * dtLimit
  if (value === undefined) return method === 'explicit' ? explicitDt : implicitDefaultDt(grid, diffusivity, explicitDt)
  return positiveNumber('options.dt', value)
}

/** `until: { steady: tolerance, maxSteps? }` (name: the option's name, for messages). */
export function parseUntil(value: unknown, name = 'options.until'): SteadyGoal | undefined {
  if (value === undefined) return undefined
  if (!isPlainObject(value)) return fail(name, 'an object { steady: tolerance, maxSteps? }', value)
  checkKeys(name, value, ['steady', 'maxSteps'])
  const tolerance = positiveNumber(`${name}.steady`, value.steady)
  const maxSteps =
    value.maxSteps === undefined ? kSteadyMaxSteps : integerAtLeast(`${name}.maxSteps`, value.maxSteps, 1)
  checkSteps(maxSteps, `${name}.maxSteps`)
  return Object.freeze({ tolerance, maxSteps })
}
