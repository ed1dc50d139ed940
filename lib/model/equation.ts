/**
 * The equation ∂u/∂t = ∇·(α∇u) + f: the diffusivity, the explicit stencil's coefficients and its
 * stability limit. The source f is a field (see options/fields.ts).
 */
import { StabilityError } from '../api/errors.js'
import { positiveNumber } from '../options/check.js'
import type { Grid } from './grid.js'

/** α > 0, a constant (default 1). */
export function parseDiffusivity(value: unknown): number {
  return value === undefined ? 1 : positiveNumber('options.diffusivity', value)
}

/** The stability limit of explicit FTCS: dt ≤ 1 / (2α(1/dx² + 1/dy²)). */
export function stabilityLimit(grid: Grid, diffusivity: number): number {
  return 1 / (2 * diffusivity * (1 / grid.dx ** 2 + 1 / grid.dy ** 2))
}

/** Checks a time step against the stability limit (with a rounding allowance of one part in 10¹²). */
export function checkStable(name: string, dt: number, limit: number): void {
  if (dt > limit * (1 + 1e-12)) {
    throw new StabilityError(`${name} (${dt}) exceeds the stable limit 1/(2α(1/dx² + 1/dy²)) = ${limit}`, limit)
  }
}

/** rx = α·dt/dx² and ry = α·dt/dy², the explicit stencil's coefficients. */
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
