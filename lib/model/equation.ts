/**
 * The equation ∂u/∂t = ∇·(α∇u) + f: the diffusivity, the explicit stencil's coefficients and its
 * stability limit. The source f is a field (see options/fields.ts).
 */
import { StabilityError } from '../api/errors.js'
import type { FieldInit } from '../api/types.js'
import { describe, positiveNumber } from '../options/check.js'
import { parseFieldInit } from '../options/fields.js'
import { type Grid, paddedIndex } from './grid.js'

/**
 * The diffusivity: its largest value, and the nodal field when it varies (null when α is one number), as
 * plain nx·ny row-major values (not halo-padded: only the face coefficients made from it reach the workers).
 */
export interface Diffusivity {
  readonly max: number
  readonly field: Float64Array | null
}

/**
 * α > 0: a number (default 1), a function (x, y) => α, or nx·ny nodal values. A field whose values are
 * all equal is the constant case (the constant stencil runs). Refuses a non-positive or non-finite α,
 * naming the first bad node.
 */
export function parseDiffusivity(value: unknown, grid: Grid): Diffusivity {
  const name = 'options.diffusivity'
  if (value === undefined || typeof value === 'number') {
    return { max: value === undefined ? 1 : positiveNumber(name, value), field: null }
  }
  // A plain nx·ny array (the padded field's node cells moved to its start, no copy): it is read once, when
  // a run's face coefficients and ghost cells are made (api/start.ts), and never by the workers.
  const padded = parseFieldInit(name, value as FieldInit, grid)
  for (let j = 0; j < grid.ny; j++)
    padded.copyWithin(j * grid.nx, paddedIndex(grid, 0, j), paddedIndex(grid, grid.nx, j))
  const field = padded.subarray(0, grid.nx * grid.ny)
  const bad = field.findIndex((a) => !(a > 0))
  if (bad >= 0) {
    const [i, j] = [bad % grid.nx, Math.floor(bad / grid.nx)]
    const where = `node (${i}, ${j}), x = ${i * grid.dx}, y = ${j * grid.dy}`
    throw new RangeError(`${name} must be positive at every node, got ${describe(field[bad])} at ${where}`)
  }
  const max = field.reduce((m, a) => Math.max(m, a), 0)
  return { max, field: field.every((a) => a === field[0]) ? null : field }
}

/**
 * The stability limit of explicit FTCS: dt ≤ 1 / (2α(1/dx² + 1/dy²)), α the largest. A Robin side takes
 * heat out of its nodes at rate 2h/Δ more: dt ≤ 1 / (2α(1/dx² + 1/dy²) + 2h_x/dx + 2h_y/dy), with h_x
 * (h_y) the largest h of the sides across x (y); this keeps every update a positive combination.
 */
export function stabilityLimit(grid: Grid, diffusivity: number, transfer = { x: 0, y: 0 }): number {
  const robin = (2 * transfer.x) / grid.dx + (2 * transfer.y) / grid.dy
  return 1 / (2 * diffusivity * (1 / grid.dx ** 2 + 1 / grid.dy ** 2) + robin)
}

/** Checks a time step against the stability limit (with a rounding allowance of one part in 10¹²). */
export function checkStable(name: string, dt: number, limit: number, robin = false): void {
  if (dt > limit * (1 + 1e-12)) {
    const formula = robin ? '1/(2α(1/dx² + 1/dy²) + 2h_x/dx + 2h_y/dy)' : '1/(2α(1/dx² + 1/dy²))'
    throw new StabilityError(`${name} (${dt}) exceeds the stable limit ${formula} = ${limit}`, limit)
  }
}

/**
 * rx = α·dt/dx² and ry = α·dt/dy², the explicit stencil's coefficients (for a variable diffusivity
 * pass α = 1: its faces carry α).
 */
export function coefficients(grid: Grid, diffusivity: number, dt: number): { rx: number; ry: number } {
  return { rx: (diffusivity * dt) / grid.dx ** 2, ry: (diffusivity * dt) / grid.dy ** 2 }
}

/**
 * Refuses scales that leave no usable time step: a spacing so small or a diffusivity so large that the
 * stability limit underflows to 0 or overflows to Infinity, or coefficients that are not finite.
 */
export function checkScales(grid: Grid, diffusivity: number, dtLimit: number, dt: number): void {
  if (!(dtLimit > 0 && Number.isFinite(dtLimit))) {
    throw new RangeError(
      `options.grid (dx ${grid.dx}, dy ${grid.dy}) and options.diffusivity (${diffusivity}) give no usable ` +
        `time step: the stability limit 1/(2α(1/dx² + 1/dy²)) is ${dtLimit}`,
    )
  }
  const { rx, ry } = coefficients(grid, diffusivity, dt)
  for (const [name, value] of [
    ['α·dt/dx²', rx],
    ['α·dt/dy²', ry],
  ] as const) {
    if (!Number.isFinite(value)) throw new RangeError(`options.dt (${dt}) makes ${name} = ${value}`)
  }
}
