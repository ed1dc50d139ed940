/**
 * Data that change with time, for a Crank–Nicolson (Peaceman–Rachford) step from tₙ to tₙ₊₁ = tₙ + dt,
 * written on the main thread before the step (chunks of one step unless only a separable source varies):
 *
 * - a separable source shape·g(t): the weight dt/2·g(t_{n+1/2}) of each half step (a ring of one weight
 *   per step, as the explicit steps have); a source f(x, y, t): f at t_{n+1/2}. Eliminating u* from the
 *   two half steps leaves dt·f(t_{n+1/2}): the midpoint rule, second order.
 * - Dirichlet values g(x, y, t): uⁿ⁺¹'s, g(tₙ₊₁), go into the fixed nodes of the result's buffer that the
 *   step does not read (the left and right columns, corners included), and into the other buffer's
 *   bottom and top rows, from where the y-lines take them (kernels: takeFixedRows), since the result
 *   buffer's bottom and top rows must hold uⁿ's until the x-lines are done. u*'s left and right fixed
 *   nodes, the x-lines' ends, take the standard PR-ADI boundary correction along the side,
 *
 *     u* = ½(I + dt/2·A_y)gⁿ + ½(I − dt/2·A_y)gⁿ⁺¹,
 *
 *   what the two half steps give in the interior: with it the step is exactly the factored scheme
 *   (I − dt/2·A_x)(I − dt/2·A_y)uⁿ⁺¹ = (I + dt/2·A_x)(I + dt/2·A_y)uⁿ + dt·f, second order in time
 *   (g(t_{n+1/2}) in its place would differ by O(dt²) at every step).
 * - mirror sides' ghost coefficients (Neumann flux, Robin h and ambient as functions): the left and right
 *   ones, u*'s, at t_{n+1/2}; the bottom and top ones, uⁿ⁺¹'s (implicit in the y-lines), at tₙ₊₁, while
 *   the x-lines use uⁿ's ghost rows, made at tₙ: the trapezoid rule across y, the midpoint rule across x.
 */
import { fixedValues, type SideName } from '../model/boundary/index.js'
import { mirrored } from '../model/boundary/rule.js'
import { type FaceViews, ghostCoefficients } from '../model/faces.js'
import { forEachRow, is3d, paddedIndex, strideOf } from '../model/grid.js'
import { scaleAt, type SourceAt } from '../options/fields.js'
import type { Problem } from '../options/problem.js'

/** Writes a function of (x, y, t) (of (x, y, z, t) in 3D) at time t into the node cells of a padded field, checked finite. */
export function fillSource(problem: Problem, at: SourceAt, t: number, padded: Float64Array) {
  const { grid } = problem
  const { nx, dx, dy, dz } = grid
  const threeD = is3d(grid)
  forEachRow(grid, (row, _, j, k) => {
    for (let i = 0; i < nx; i++) {
      const v = threeD
        ? (at as (x: number, y: number, z: number, t: number) => number)(i * dx, j * dy, k * dz, t)
        : (at as (x: number, y: number, t: number) => number)(i * dx, j * dy, t)
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        const where = threeD ? `x = ${i * dx}, y = ${j * dy}, z = ${k * dz}` : `x = ${i * dx}, y = ${j * dy}`
        const params = threeD ? 'x, y, z, t' : 'x, y, t'
        throw new TypeError(`options.source(${params}) must return a finite number, got ${v} at ${where}, t = ${t}`)
      }
      padded[row + i] = v
    }
  })
}

/** The buffers the data go into. */
export interface LineData {
  readonly fields: readonly [Float64Array, Float64Array]
  readonly faces: FaceViews | null
  readonly source: Float64Array | null
  readonly weights: Float64Array | null
}

/** A run of `steps` steps, its step k at t = base + (first + k)·dt, from field `parity`. */
export interface LineRun {
  readonly base: number
  readonly first: number
  readonly dt: number
  readonly steps: number
  readonly parity: 0 | 1
  /** Something besides a separable source varies: the run is one step. */
  readonly perStep: boolean
}

/** Fills what a Crank–Nicolson run needs (see above). */
export function prepareLines(problem: Problem, data: LineData, run: LineRun): void {
  const { grid, sides, sourceScale, sourceAt } = problem
  const { base, first, dt, steps, parity } = run
  if (data.weights !== null && sourceScale !== null) {
    for (let k = 0; k < steps; k++) data.weights[k] = (dt / 2) * scaleAt(sourceScale, base + (first + k + 0.5) * dt)
  }
  if (!run.perStep) return
  const [t0, half, next] = [base + first * dt, base + (first + 0.5) * dt, base + (first + 1) * dt]
  if (Object.values(sides).some((s) => s.fixed && s.varying === true)) fixedData(problem, data, parity, t0, dt)
  if (data.faces !== null) {
    ghostCoefficients(grid, sides, data.faces, half, true, ['left', 'right'])
    ghostCoefficients(grid, sides, data.faces, next, true, ['bottom', 'top'])
  }
  if (sourceAt !== null && data.source !== null) fillSource(problem, sourceAt, half, data.source)
}

/** uⁿ⁺¹'s Dirichlet values and u*'s corrected ones, into the buffers where the step reads them. */
function fixedData(problem: Problem, data: LineData, parity: 0 | 1, t0: number, dt: number): void {
  const next = t0 + dt
  const { grid, sides } = problem
  const [result, mid] = [data.fields[parity], data.fields[1 - parity]]
  const column = (i: number) => (i === 0 && sides.left.fixed) || (i === grid.nx - 1 && sides.right.fixed)
  const row = (j: number) => (j === 0 && sides.bottom.fixed) || (j === grid.ny - 1 && sides.top.fixed)
  fixedValues(grid, sides, next, (i, j, v) => {
    if (column(i)) result[paddedIndex(grid, i, j)] = v
    if (row(j)) mid[paddedIndex(grid, i, j)] = v
  })
  const [firstRow, lastRow] = [sides.bottom.fixed ? 1 : 0, grid.ny - (sides.top.fixed ? 2 : 1)]
  for (const i of [0, grid.nx - 1]) {
    if (!column(i)) continue
    const [before, after] = [fixedColumn(problem, i, t0), fixedColumn(problem, i, next)]
    for (let j = firstRow; j <= lastRow; j++) {
      const [a, b] = [
        alongSide(problem, data.faces, i, j, before, t0),
        alongSide(problem, data.faces, i, j, after, next),
      ]
      mid[paddedIndex(grid, i, j)] = 0.5 * (before[j] + after[j] + (dt / 2) * (a - b))
    }
  }
}

/** The values column i's fixed nodes hold at time t (corners included), by node row. */
function fixedColumn(problem: Problem, column: number, t: number): Float64Array {
  const values = new Float64Array(problem.grid.ny)
  fixedValues(problem.grid, problem.sides, t, (i, j, v) => {
    if (i === column) values[j] = v
  })
  return values
}

/** A_y g at node (i, j) of a fixed column: (α_n(g_{j+1} − g_j) − α_s(g_j − g_{j−1}))/dy², past the ends by the side's rule. */
function alongSide(problem: Problem, faces: FaceViews | null, i: number, j: number, g: Float64Array, t: number) {
  const { grid, diffusivity } = problem
  const p = paddedIndex(grid, i, j)
  const [north, south] = faces === null ? [diffusivity, diffusivity] : [faces.north[p], faces.north[p - strideOf(grid)]]
  const below = j > 0 ? g[j - 1] : beyond(problem, faces, 'bottom', i, g, t)
  const above = j < grid.ny - 1 ? g[j + 1] : beyond(problem, faces, 'top', i, g, t)
  return (north * (above - g[j]) - south * (g[j] - below)) / grid.dy ** 2
}

/** The value beyond the end of a fixed column: the opposite end (periodic), or the side's mirror ghost at t. */
function beyond(problem: Problem, faces: FaceViews | null, side: SideName, i: number, g: Float64Array, t: number) {
  const { grid, sides } = problem
  const n = grid.ny
  if (sides[side].wraps) return side === 'bottom' ? g[n - 1] : g[0]
  const [inside, boundary, j] = side === 'bottom' ? [g[1], g[0], 0] : [g[n - 2], g[n - 1], n - 1]
  const face =
    faces === null ? problem.diffusivity : faces.north[side === 'bottom' ? i + 1 : n * strideOf(grid) + i + 1]
  const rule = sides[side].ghost(grid.dy, face, `options.boundary.${side}`, { x: i * grid.dx, y: j * grid.dy, t })
  return mirrored(rule, inside, boundary)
}
