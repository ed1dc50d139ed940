/**
 * Running to a steady state (`until: { steady }`): the residual, max over the evolving nodes of
 * |∂u/∂t| = |∇·(α∇u) + f| on the grid, and the plan of steps that drives it below the tolerance.
 *
 * - explicit: chunks of steps at the problem's dt (16, 32, … up to 4096), the residual checked between
 *   chunks; for FTCS it is exactly max|uⁿ⁺¹ − uⁿ|/dt of the next step.
 * - Crank–Nicolson: cycles of single steps whose dt runs geometrically, ×2 a step, between 2/λmax and
 *   past 2/λmin (λ the grid operator's eigenvalues along an axis, z included in 3D): the step of dt damps the modes
 *   with dt·λ/2 near 1 by a factor of at least 3 and no mode grows, so each cycle reduces the whole
 *   transient at a cost of log₂(λmax/λmin) steps. The residual is checked after each cycle.
 */
import { type FaceViews, refreshVaryingGhosts } from '../model/faces.js'
import { fillHalo } from '../model/field.js'
import { is3d, paddedIndex, planeOf, strideOf } from '../model/grid.js'
import { evolvingNodes } from '../model/boundary/index.js'
import type { Problem, SteadyGoal } from '../options/problem.js'
import { SteadyStateError } from './errors.js'

/** What the steady loop drives: a solver's steps and state. */
export interface SteadyDriver {
  /** Advances `steps` steps of `dt`. */
  march(steps: number, dt: number): Promise<void>
  /** The residual of the current state. */
  residual(): number
}

/**
 * max |∇·(α∇u) + f| over the evolving nodes of the padded field (its halo is rebuilt in `scratch`);
 * with `faces` (a variable α, or side data that vary along a side), the conservative form over them.
 */
export function steadyResidual(
  problem: Problem,
  padded: Float64Array,
  scratch: Float64Array,
  faces: FaceViews | null = null,
  t = 0,
): number {
  const { grid, diffusivity, source } = problem
  scratch.set(padded)
  fillHalo(grid, scratch, problem.ghosts, faces ?? undefined)
  if (faces === null) refreshVaryingGhosts(grid, problem.sides, problem.ghosts, scratch, diffusivity, t)
  if (faces !== null) return conservativeResidual(problem, scratch, faces)
  const e = evolvingNodes(grid, problem.sides)
  const [stride, cx, cy] = [strideOf(grid), diffusivity / grid.dx ** 2, diffusivity / grid.dy ** 2]
  // On a 3D grid the z term too (plane = 0 and cz = 0 leave the 2D arithmetic as it was).
  const [plane, cz] = is3d(grid) ? [planeOf(grid), diffusivity / grid.dz ** 2] : [0, 0]
  let worst = 0
  for (let k = e.firstPlane; k <= e.lastPlane; k++) {
    for (let j = e.firstRow; j <= e.lastRow; j++) {
      for (let i = e.firstColumn; i <= e.lastColumn; i++) {
        const c = paddedIndex(grid, i, j, k)
        const u = scratch[c]
        const f = source === null ? 0 : source[c]
        const xy =
          cx * (scratch[c - 1] - 2 * u + scratch[c + 1]) + cy * (scratch[c - stride] - 2 * u + scratch[c + stride])
        const rate = plane === 0 ? xy + f : xy + cz * (scratch[c - plane] - 2 * u + scratch[c + plane]) + f
        // A NaN never compares greater: keep it, so that a non-finite state is never "steady".
        if (!(Math.abs(rate) <= worst)) worst = Math.abs(rate)
      }
    }
  }
  return worst
}

/**
 * The residual of the conservative form, (α_e(u_e − u) − α_w(u − u_w))/dx² + (α_n(u_n − u) − α_s(u − u_s))/dy² + f,
 * plus (α_f(u_f − u) − α_b(u − u_b))/dz² over the up faces on a 3D grid.
 */
function conservativeResidual(problem: Problem, u: Float64Array, faces: FaceViews): number {
  const { grid, source } = problem
  const { east, north, up } = faces
  const e = evolvingNodes(grid, problem.sides)
  const [stride, cx, cy] = [strideOf(grid), 1 / grid.dx ** 2, 1 / grid.dy ** 2]
  const [plane, cz] = is3d(grid) && up !== undefined ? [planeOf(grid), 1 / grid.dz ** 2] : [0, 0]
  let worst = 0
  for (let k = e.firstPlane; k <= e.lastPlane; k++) {
    for (let j = e.firstRow; j <= e.lastRow; j++) {
      for (let i = e.firstColumn; i <= e.lastColumn; i++) {
        const c = paddedIndex(grid, i, j, k)
        const v = u[c]
        const x = east[c] * (u[c + 1] - v) - east[c - 1] * (v - u[c - 1])
        const y = north[c] * (u[c + stride] - v) - north[c - stride] * (v - u[c - stride])
        const xy = cx * x + cy * y
        const rate =
          (plane === 0 ? xy : xy + cz * (up![c] * (u[c + plane] - v) - up![c - plane] * (v - u[c - plane]))) +
          (source === null ? 0 : source[c])
        // A NaN never compares greater: keep it, so that a non-finite state is never "steady".
        if (!(Math.abs(rate) <= worst)) worst = Math.abs(rate)
      }
    }
  }
  return worst
}

/**
 * Crank–Nicolson's cycle of time steps, 2/λmax·2ᵏ for k = 0, 1, … until past 2/λmin, taken largest
 * first: a step of dt leaves rounding noise of about ε·α·dt/h² in every mode, which the smaller steps
 * after it damp in the high modes, where it would dominate the residual. (A ratio of 4 takes about as
 * many steps to a tolerance but stalls at a residual 16 times higher on 1025²; 1.5, lower still but
 * with four times the steps.)
 */
export function steadyCycle(problem: Problem): number[] {
  const { grid, diffusivity, diffusivityField } = problem
  const [h, l] = is3d(grid)
    ? [Math.min(grid.dx, grid.dy, grid.dz), Math.max(grid.lx, grid.ly, grid.lz)]
    : [Math.min(grid.dx, grid.dy), Math.max(grid.lx, grid.ly)]
  const highest = (4 * diffusivity) / h ** 2
  // The slowest mode of an axis with one fixed end and one insulated one (a lower bound for the others),
  // with the smallest α when it varies.
  const least = diffusivityField === null ? diffusivity : diffusivityField.reduce((m, a) => Math.min(m, a), Infinity)
  const lowest = least * (Math.PI / (2 * l)) ** 2
  const cycle = [2 / highest]
  while (cycle[cycle.length - 1] < 2 / lowest) cycle.push(cycle[cycle.length - 1] * 2)
  return cycle.reverse()
}

export interface SteadyOutcome {
  steps: number
  residual: number
  /** The last step's dt. */
  dt: number
}

/** Checks without a new lowest residual after which a run is taken to have stalled at its rounding floor. */
const kStalledChecks = 10

function notConverged(goal: SteadyGoal, steps: number, residual: number, stalled: boolean): SteadyStateError {
  const why = stalled
    ? `the residual max|∂u/∂t| stopped decreasing at ${residual} after ${steps} steps (rounding errors), ` +
      `above until.steady = ${goal.tolerance}: ask for a larger tolerance`
    : `the run did not reach a steady state within until.maxSteps = ${goal.maxSteps} steps: the residual ` +
      `max|∂u/∂t| is ${residual}, above until.steady = ${goal.tolerance}`
  return new SteadyStateError(why, steps, residual)
}

/** Steps of one round between residual checks: a chunk at the problem's dt, or one Crank–Nicolson cycle. */
async function round(driver: SteadyDriver, cycle: number[] | null, chunk: number, dt: number, budget: number) {
  if (cycle === null) {
    const n = Math.min(chunk, budget)
    await driver.march(n, dt)
    return { steps: n, dt }
  }
  const steps = cycle.slice(0, budget)
  for (const step of steps) await driver.march(1, step)
  return { steps: steps.length, dt: steps[steps.length - 1] }
}

/**
 * Steps until the residual is below the tolerance; rejects with a SteadyStateError past the budget, or
 * once kStalledChecks checks in a row have not lowered it (it is then at the rounding floor).
 */
export async function runSteady(problem: Problem, goal: SteadyGoal, driver: SteadyDriver): Promise<SteadyOutcome> {
  const cycle = problem.method === 'crank-nicolson' ? steadyCycle(problem) : null
  let [steps, residual, dt, chunk] = [0, driver.residual(), problem.dt, 16]
  let [best, stalls] = [residual, 0]
  while (!(residual < goal.tolerance)) {
    if (steps >= goal.maxSteps || stalls >= kStalledChecks)
      throw notConverged(goal, steps, residual, stalls >= kStalledChecks)
    const done = await round(driver, cycle, chunk, dt, goal.maxSteps - steps)
    ;[steps, dt, chunk] = [steps + done.steps, done.dt, Math.min(chunk * 2, 4096)]
    residual = driver.residual()
    ;[best, stalls] = residual < best ? [residual, 0] : [best, stalls + 1]
  }
  return { steps, residual, dt }
}
