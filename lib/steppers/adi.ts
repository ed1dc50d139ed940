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
 * before each step (api/timed-lines.ts).
 */
import type { LineAxis, LineEnd, LineSpec } from '../backends/lines.js'
import { evolvingNodes, type GhostRule, type Side } from '../model/boundary/index.js'
import { coefficients } from '../model/equation.js'
import { needsFaces } from '../model/faces.js'
import type { Problem } from '../options/problem.js'
import type { Grid } from '../model/grid.js'
import type { Band } from '../parallel/partition.js'
import type { Schedule, Stepper } from './schedule.js'

/** The pivots and modified upper coefficients of a tridiagonal matrix (Thomas algorithm, no pivoting). */
function factor(lower: number[], diag: number[], up: number[]): { inv: number[]; upper: number[] } {
  const m = diag.length
  const inv = new Array<number>(m)
  const upper = new Array<number>(m)
  for (let k = 0; k < m; k++) {
    const pivot = k === 0 ? diag[0] : diag[k] - lower[k] * upper[k - 1]
    inv[k] = 1 / pivot
    upper[k] = up[k] * inv[k]
  }
  return { inv, upper }
}

/** Solves the factored system for d (the kernels' sweeps, written plainly). */
function sweep(lower: number[], inv: number[], upper: number[], d: number[]): number[] {
  const m = d.length
  const x = new Array<number>(m)
  for (let k = 0; k < m; k++) x[k] = k === 0 ? d[0] * inv[0] : (d[k] - lower[k] * x[k - 1]) * inv[k]
  for (let k = m - 2; k >= 0; k--) x[k] = x[k] - upper[k] * x[k + 1]
  return x
}

/** A periodic axis of n nodes: the cyclic system, by Sherman–Morrison with γ = −(the diagonal). */
function cyclicAxis(n: number, half: number): LineAxis {
  const centre = 1 + 2 * half
  const gamma = -centre
  const lower = Array.from({ length: n }, (_, k) => (k === 0 ? 0 : -half))
  const up = Array.from({ length: n }, (_, k) => (k === n - 1 ? 0 : -half))
  const diag = new Array<number>(n).fill(centre)
  diag[0] = centre - gamma
  diag[n - 1] = centre - (half * half) / gamma
  const { inv, upper } = factor(lower, diag, up)
  const u = new Array<number>(n).fill(0)
  ;[u[0], u[n - 1]] = [gamma, -half]
  const z = sweep(lower, inv, upper, u)
  const q = -half / gamma
  const scale = 1 / (1 + z[0] + q * z[n - 1])
  const end: LineEnd = { fixed: false, term: 0 }
  return { first: 0, count: n, half, lower, inv, upper, low: end, high: end, cyclic: { z, q, scale } }
}

/** An end's matrix terms: a fixed neighbour couples like an interior one; a mirror ghost a·u₁ + b·u₀ + c folds in. */
function endOf(side: Side, rule: GhostRule, half: number): { end: LineEnd; off: number; diag: number } {
  if (side.fixed || rule.kind !== 'mirror')
    return { end: { fixed: side.fixed, term: 0 }, off: -half, diag: 1 + 2 * half }
  return { end: { fixed: false, term: half * rule.c }, off: -half - half * rule.a, diag: 1 + 2 * half - half * rule.b }
}

/** The factored line system of an axis from node `first` to `last` between two sides. */
function lineAxis(first: number, last: number, half: number, sides: [Side, Side], rules: [GhostRule, GhostRule]) {
  const m = last - first + 1
  const [low, high] = [endOf(sides[0], rules[0], half), endOf(sides[1], rules[1], half)]
  const lower = Array.from({ length: m }, (_, k) => (k === 0 ? 0 : k === m - 1 ? high.off : -half))
  const up = Array.from({ length: m }, (_, k) => (k === m - 1 ? 0 : k === 0 ? low.off : -half))
  const diag = Array.from({ length: m }, () => 1 + 2 * half)
  diag[0] = low.diag
  if (m > 1) diag[m - 1] = high.diag
  const { inv, upper } = factor(lower, diag, up)
  return { first, count: m, half, lower, inv, upper, low: low.end, high: high.end, cyclic: null }
}

/** Splits the evolving columns into one block per worker (a block may be empty when columns are few). */
function columnBlocks(first: number, last: number, parts: number): Band[] {
  const n = last - first + 1
  return Array.from({ length: parts }, (_, p) =>
    Object.freeze({ start: first + Math.floor((p * n) / parts), end: first + Math.floor(((p + 1) * n) / parts) }),
  )
}

/**
 * The default dt of a Crank–Nicolson run: 0.1·min(dx, dy)·min(lx, ly)/α, a step proportional to the
 * spacing, so that the scheme's O(dt²) error stays near the grid's O(h²) one, and never below the
 * explicit default.
 */
export function implicitDefaultDt(grid: Grid, diffusivity: number, explicitDt: number): number {
  return Math.max(explicitDt, (0.1 * Math.min(grid.dx, grid.dy) * Math.min(grid.lx, grid.ly)) / diffusivity)
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
    if (needsFaces(problem.diffusivityField, problem.sides)) return variableLines(problem, dt)
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
