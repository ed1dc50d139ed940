/**
 * Exact answers and discrete quadratures for the physics tests. Everything here follows DESIGN.md's
 * conventions: node (i, j) at x = i·dx, y = j·dy, row-major field[j·nx + i]; a periodic axis has
 * spacing l/n, any other l/(n − 1).
 */

export interface Geometry {
  nx: number
  ny: number
  lx: number
  ly: number
  periodicX?: boolean
  periodicY?: boolean
}

/** The `grid` option for a geometry (periodicity is the boundary's business). */
export const gridOf = ({ nx, ny, lx, ly }: Geometry) => ({ nx, ny, lx, ly })

export function spacing(g: Geometry): { dx: number; dy: number } {
  return {
    dx: g.periodicX ? g.lx / g.nx : g.lx / (g.nx - 1),
    dy: g.periodicY ? g.ly / g.ny : g.ly / (g.ny - 1),
  }
}

/** The default time step: 0.9 × the stability limit 1 / (2α(1/dx² + 1/dy²)). */
export function defaultDt(g: Geometry, diffusivity: number): number {
  const { dx, dy } = spacing(g)
  return 0.9 * (1 / (2 * diffusivity * (1 / dx ** 2 + 1 / dy ** 2)))
}

/** Samples f at every node. */
export function sample(g: Geometry, f: (x: number, y: number) => number): Float64Array {
  const { dx, dy } = spacing(g)
  const out = new Float64Array(g.nx * g.ny)
  for (let j = 0; j < g.ny; j++) for (let i = 0; i < g.nx; i++) out[j * g.nx + i] = f(i * dx, j * dy)
  return out
}

/**
 * The trapezoid rule ∑ w_ij u_ij dx dy, with weight ½ on the first and last node of a non-periodic
 * axis (so ¼ at corners) and 1 elsewhere: the quantity the FTCS scheme with mirrored Neumann ghosts
 * conserves exactly. Summed with Kahan compensation so that rounding stays far below the tolerances.
 */
export function trapezoid(g: Geometry, field: ArrayLike<number>): number {
  const { dx, dy } = spacing(g)
  const weight = (k: number, n: number, periodic: boolean | undefined) =>
    !periodic && (k === 0 || k === n - 1) ? 0.5 : 1
  let sum = 0
  let carry = 0
  for (let j = 0; j < g.ny; j++) {
    for (let i = 0; i < g.nx; i++) {
      const term = weight(i, g.nx, g.periodicX) * weight(j, g.ny, g.periodicY) * field[j * g.nx + i] - carry
      const next = sum + term
      carry = next - sum - term
      sum = next
    }
  }
  return sum * dx * dy
}

/** A Gaussian bump of width `width` centred at (cx, cy). */
export function gaussian(cx: number, cy: number, width: number): (x: number, y: number) => number {
  return (x, y) => Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * width ** 2))
}

export function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected)
}
