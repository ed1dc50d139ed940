/**
 * The colour range of `frames.range: 'fixed'`: the initial field's min and max. A uniform initial field
 * (a plate at rest, heated by a source) has no range of its own; then the range comes from the source and
 * the boundary: with every Dirichlet side at the plate's value v and every Neumann side insulated, the
 * explicit scheme (monotone at any stable dt) keeps u between v and the steady state of the strongest
 * (or weakest) source over the shortest closed axis, v + f·l²/(8α) with both ends held and v + f·l²/(2α)
 * with one end held and the other insulated. Those quadratics are exact discrete steady states, so the
 * bound holds for the grid's values, not only for the PDE. Without such a bound the range is v ± ½, and
 * the manifest says so (and marks every frame that leaves it as saturated): never silently.
 */
import type { Side } from '../model/boundary/index.js'
import { settleInitial } from '../model/constant.js'
import { forEachRow, type Grid } from '../model/grid.js'
import type { Problem } from '../options/problem.js'

export interface FixedRange {
  readonly range: [number, number]
  /** Why the range is not the initial field's own, when it is not. */
  readonly note: string | undefined
}

/** The smallest and largest node value of a padded field (its node cells only, read in place). */
function extremes(grid: Grid, padded: Float64Array): [number, number] {
  let [lo, hi] = [Infinity, -Infinity]
  forEachRow(grid, (row) => {
    for (let k = row; k < row + grid.nx; k++) [lo, hi] = [Math.min(lo, padded[k]), Math.max(hi, padded[k])]
  })
  return [lo, hi]
}

/** l²/(8α) or l²/(2α) for an axis held at v on both or one end; Infinity for an axis that gives no bound. */
function axisFactor(a: Side, b: Side, length: number, diffusivity: number): number {
  const held = [a, b].filter((s) => s.fixed).length
  return held === 2 ? length ** 2 / (8 * diffusivity) : held === 1 ? length ** 2 / (2 * diffusivity) : Infinity
}

/** The range u keeps from a uniform v under the problem's source, or undefined when none follows. */
function sourceBound(problem: Problem, v: number): [number, number] | undefined {
  const { sides, source, grid, diffusivity } = problem
  if (source === null) return undefined
  const calm = (s: Side) => s.wraps || (s.fixed ? s.value === v : s.kind === 'neumann' && s.value === 0)
  if (!Object.values(sides).every(calm)) return undefined
  const { back, front } = sides
  const factor = Math.min(
    axisFactor(sides.left, sides.right, grid.lx, diffusivity),
    axisFactor(sides.bottom, sides.top, grid.ly, diffusivity),
    back === undefined || front === undefined ? Infinity : axisFactor(back, front, grid.lz, diffusivity),
  )
  const [fmin, fmax] = extremes(grid, source)
  const [lo, hi] = [v + Math.min(0, fmin) * factor, v + Math.max(0, fmax) * factor]
  return Number.isFinite(lo) && Number.isFinite(hi) && hi > lo ? [lo, hi] : undefined
}

/** The fixed colour range of a run and, when it is not the initial field's own, why. */
export function fixedRange(problem: Problem): FixedRange {
  // The problem's fields are halo-padded: read their node cells only.
  const [lo, hi] = extremes(problem.grid, settleInitial(problem.grid, problem.sides, problem.initial))
  if (hi > lo) return { range: [lo, hi], note: undefined }
  const bound = sourceBound(problem, lo)
  if (bound !== undefined) {
    const note = `the initial field is uniform (${lo}); the range is the bound the source and boundary set on u`
    return { range: bound, note }
  }
  const note = `the initial field is uniform (${lo}) and the boundary and source set no bound on u: the range is ${lo} ± 0.5, and frames outside it are marked saturated`
  return { range: [lo - 0.5, lo + 0.5], note }
}
