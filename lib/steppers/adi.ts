/**
 * Crank–Nicolson by Peaceman–Rachford ADI, the 'crank-nicolson' method. With hx = α·dt/(2dx²) and
 * hy = α·dt/(2dy²) (δ² the second difference along an axis), one step of dt is two half steps:
 *
 *   (1 − hx·δx²) u* = (1 + hy·δy²) uⁿ + dt/2·f        x-lines, on row bands
 *   (1 − hy·δy²) uⁿ⁺¹ = (1 + hx·δx²) u* + dt/2·f       y-lines, on column blocks
 *
 * second order in time and unconditionally stable: any dt > 0 is accepted. The schedule is two phases
 * with a barrier after each; u* goes to the other buffer and uⁿ⁺¹ back into the first, so the buffers do
 * not swap. With one α (and side data constant along each side) the line systems are factored here,
 * once per dt (see backends/lines.ts); with a variable α, or Neumann/Robin data that vary along a side,
 * the conservative operator (α_e(u_e − u) − α_w(u − u_w))/dx² gives every line its own matrix, which
 * the kernels factor as they sweep (backends/js-lines-variable.ts). Data that vary in time are written
 * before each step (api/timed-lines.ts). On a 3D grid the same method is Douglas–Gunn's (steppers/dg.ts).
 */
import type { LineAxis, LineSpec } from '../backends/lines.js'
import { evolvingNodes, type GhostRule, type Side } from '../model/boundary/index.js'
import { coefficients } from '../model/equation.js'
import { needsFaces } from '../model/faces.js'
import type { Problem } from '../options/problem.js'
import { type Grid, is3d } from '../model/grid.js'
import { planeLines, planeSchedule } from './dg.js'
import { columnBlocks, cyclicAxis, lineAxis } from './line-systems.js'
import type { Schedule, Stepper } from './schedule.js'

/**
 * The default dt of a Crank–Nicolson run: 0.1·min(dx, dy)·min(lx, ly)/α (with dz and lz in 3D), a step proportional to the
 * spacing, so that the scheme's O(dt²) error stays near the grid's O(h²) one, and never below the
 * explicit default.
 */
export function implicitDefaultDt(grid: Grid, diffusivity: number, explicitDt: number): number {
  const [h, l] = is3d(grid)
    ? [Math.min(grid.dx, grid.dy, grid.dz), Math.min(grid.lx, grid.ly, grid.lz)]
    : [Math.min(grid.dx, grid.dy), Math.min(grid.lx, grid.ly)]
  return Math.max(explicitDt, (0.1 * h * l) / diffusivity)
}

/** The conservative operator's line systems: one matrix per line, made by the kernels as they sweep. */
function variableLines(problem: Problem, dt: number): LineSpec {
  const { grid, sides, ghosts } = problem
  const e = evolvingNodes(grid, sides)
  const { rx, ry } = coefficients(grid, 1, dt)
  const axis = (first: number, last: number, half: number, low: Side, high: Side): LineAxis => ({
    ...{ first, count: last - first + 1, half, lower: [], inv: [], upper: [], cyclic: null },
    ...{ low: { fixed: low.fixed, term: 0 }, high: { fixed: high.fixed, term: 0 } },
  })
  const x = axis(e.firstColumn, e.lastColumn, rx / 2, sides.left, sides.right)
  const y = axis(e.firstRow, e.lastRow, ry / 2, sides.bottom, sides.top)
  return { kind: 'lines', nx: grid.nx, ny: grid.ny, dt, halfDt: dt / 2, variable: true, x, y, ...ghosts }
}

export const adi: Stepper = {
  method: 'crank-nicolson',

  stencil(problem, dt) {
    if (is3d(problem.grid)) return planeLines(problem, dt)
    if (needsFaces(problem.diffusivityField, problem.sides, 'crank-nicolson')) return variableLines(problem, dt)
    const { grid, sides, ghosts } = problem
    const e = evolvingNodes(grid, sides)
    const { rx, ry } = coefficients(grid, problem.diffusivity, dt)
    const axis = (
      first: number,
      last: number,
      half: number,
      wraps: boolean,
      s: [Side, Side],
      r: [GhostRule, GhostRule],
    ) => (wraps ? cyclicAxis(last - first + 1, half) : lineAxis(first, last, half, s, r))
    const x = axis(
      e.firstColumn,
      e.lastColumn,
      rx / 2,
      grid.periodicX,
      [sides.left, sides.right],
      [ghosts.left, ghosts.right],
    )
    const y = axis(
      e.firstRow,
      e.lastRow,
      ry / 2,
      grid.periodicY,
      [sides.bottom, sides.top],
      [ghosts.bottom, ghosts.top],
    )
    const { nx, ny } = grid
    return { kind: 'lines', nx, ny, dt, halfDt: dt / 2, variable: false, x, y, ...ghosts }
  },

  schedule(problem, bands): Schedule {
    if (is3d(problem.grid)) return planeSchedule(problem, bands)
    const e = evolvingNodes(problem.grid, problem.sides)
    const columns = columnBlocks(e.firstColumn, e.lastColumn, bands.length)
    return Object.freeze({
      name: 'adi',
      steps: 1,
      barriers: 2,
      swaps: false,
      bands: bands.map((_, p) => ({ k: 1, below: p > 0, aboveEnd: null, columns: columns[p] })),
    })
  },
}
