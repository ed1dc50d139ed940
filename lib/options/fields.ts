/** Fields given as options (`initial`, `source`): a number, a function of (x, y), or nx·ny values. */
import type { FieldInit } from '../api/types.js'
import type { Grid } from '../model/grid.js'
import { describe, fail, finiteNumber } from './check.js'

const allRows = (grid: Grid) => Array.from({ length: grid.ny }, (_, j) => j)

/**
 * Evaluates a number, a function of (x, y) or an nx·ny array into checked, finite node values: of every
 * row, or only of the grid rows `rows` (in that order, nx values each; an MPI rank's slab).
 */
export function parseFieldInit(
  name: string,
  value: FieldInit,
  grid: Grid,
  rows: readonly number[] = allRows(grid),
): Float64Array {
  const { nx, ny, dx, dy } = grid
  const out = new Float64Array(nx * rows.length)
  if (typeof value === 'number') return out.fill(finiteNumber(name, value))
  if (typeof value === 'function') {
    for (const [r, j] of rows.entries()) {
      for (let i = 0; i < nx; i++) {
        const [x, y] = [i * dx, j * dy]
        const v = value(x, y)
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          throw new TypeError(
            `${name}(x, y) must return a finite number, got ${describe(v)} at node (${i}, ${j}), x = ${x}, y = ${y}`,
          )
        }
        out[r * nx + i] = v
      }
    }
    return out
  }
  if (!(value instanceof Float64Array) && !Array.isArray(value)) {
    return fail(name, 'a number, a function (x, y) => number, or a Float64Array or array of nx*ny values', value)
  }
  if (value.length !== nx * ny) fail(name, `of length nx*ny = ${nx * ny}`, value)
  for (const [r, j] of rows.entries()) {
    for (let k = j * nx; k < (j + 1) * nx; k++) {
      const v = value[k]
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new TypeError(
          `${name}[${k}] (node (${k % nx}, ${Math.floor(k / nx)})) must be a finite number, got ${describe(v)}`,
        )
      }
      out[r * nx + (k - j * nx)] = v
    }
  }
  return out
}
