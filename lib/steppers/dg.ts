/**
 * Crank–Nicolson on a 3D grid by Douglas–Gunn ADI (the 'crank-nicolson' method when the grid has nz):
 * x- and y-lines on each worker's band of planes, a barrier, z-lines on each worker's block of node
 * rows (every (x, y) column of those rows), a barrier. See backends/lines3d.ts for the scheme. The
 * axes' systems are factored once per dt, as for Peaceman–Rachford (steppers/adi.ts), with
 * h = α·dt/(2·spacing²) on each axis; the buffers swap every step.
 */
import type { LineAxis } from '../backends/lines.js'
import type { PlaneLineSpec } from '../backends/lines3d.js'
import { evolvingNodes, type GhostRule, type Side } from '../model/boundary/index.js'
import { coefficients } from '../model/equation.js'
import type { Problem } from '../options/problem.js'
import type { Band } from '../parallel/partition.js'
import { columnBlocks, cyclicAxis, lineAxis } from './line-systems.js'
import type { Schedule } from './schedule.js'

/** One axis's factored system between its two sides (cyclic when it wraps). */
function axisOf(
  first: number,
  last: number,
  half: number,
  wraps: boolean,
  sides: [Side, Side],
  rules: [GhostRule, GhostRule],
) {
  return wraps ? cyclicAxis(last - first + 1, half) : lineAxis(first, last, half, sides, rules)
}

/** An axis of the conservative operator: h = dt/(2·spacing²), no factors (the kernels pivot as they sweep). */
function variableAxis(first: number, last: number, half: number, low: Side, high: Side): LineAxis {
  return {
    ...{ first, count: last - first + 1, half, lower: [], inv: [], upper: [], cyclic: null },
    ...{ low: { fixed: low.fixed, term: 0 }, high: { fixed: high.fixed, term: 0 } },
  }
}

/** The conservative operator's line systems (a varying α, its faces in the faces buffer). */
function variablePlaneLines(problem: Problem, dt: number): PlaneLineSpec {
  const { grid, sides, ghosts } = problem
  const e = evolvingNodes(grid, sides)
  const { rx, ry, rz } = coefficients(grid, 1, dt)
  const rules = { ...ghosts, back: ghosts.back!, front: ghosts.front! }
  const x = variableAxis(e.firstColumn, e.lastColumn, rx / 2, sides.left, sides.right)
  const y = variableAxis(e.firstRow, e.lastRow, ry / 2, sides.bottom, sides.top)
  const z = variableAxis(e.firstPlane, e.lastPlane, rz / 2, sides.back!, sides.front!)
  const { nx, ny, nz } = grid
  return { kind: 'plane-lines', nx, ny, nz, dt, variable: true, x, y, z, ...rules }
}

/** The line systems of a Douglas–Gunn step of dt (factored for one α; the conservative ones for a varying α). */
export function planeLines(problem: Problem, dt: number): PlaneLineSpec {
  if (problem.diffusivityField !== null) return variablePlaneLines(problem, dt)
  const { grid, sides, ghosts } = problem
  const e = evolvingNodes(grid, sides)
  const { rx, ry, rz } = coefficients(grid, problem.diffusivity, dt)
  const [back, front] = [sides.back!, sides.front!]
  const rules = { ...ghosts, back: ghosts.back!, front: ghosts.front! }
  const x = axisOf(
    e.firstColumn,
    e.lastColumn,
    rx / 2,
    grid.periodicX,
    [sides.left, sides.right],
    [rules.left, rules.right],
  )
  const y = axisOf(e.firstRow, e.lastRow, ry / 2, grid.periodicY, [sides.bottom, sides.top], [rules.bottom, rules.top])
  const z = axisOf(e.firstPlane, e.lastPlane, rz / 2, grid.periodicZ, [back, front], [rules.back, rules.front])
  const { nx, ny, nz } = grid
  return { kind: 'plane-lines', nx, ny, nz, dt, variable: false, x, y, z, ...rules }
}

/** Two phases a step: the band's planes (x- then y-lines), then the block of rows (z-lines). */
export function planeSchedule(problem: Problem, bands: readonly Band[]): Schedule {
  const e = evolvingNodes(problem.grid, problem.sides)
  const rows = columnBlocks(e.firstRow, e.lastRow, bands.length)
  return Object.freeze({
    name: 'adi',
    steps: 1,
    barriers: 2,
    swaps: true,
    bands: bands.map((_, p) => ({ k: 1, below: p > 0, aboveEnd: null, zRows: rows[p] })),
  })
}
