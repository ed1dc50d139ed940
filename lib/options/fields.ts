/** Fields given as options (`initial`, `source`): a number, a function of (x, y), or nx·ny values. */
import type { FieldInit } from '../api/types.js'
import type { Grid } from '../model/grid.js'
import { describe, fail, finiteNumber } from './check.js'

/** Evaluates a number, a function of (x, y) or an nx·ny array into checked, finite node values. */
export function parseFieldInit(name: string, value: FieldInit, grid: Grid): Float64Array {
  const { nx, ny, dx, dy } = grid
  const out = new Float64Array(nx * ny)
  if (typeof value === 'number') return out.fill(finiteNumber(name, value))
  if (typeof value === 'function') {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const [x, y] = [i * dx, j * dy]
        const v = value(x, y)
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          throw new TypeError(
            `${name}(x, y) must return a finite number, got ${describe(v)} at node (${i}, ${j}), x = ${x}, y = ${y}`,
          )
        }
        out[j * nx + i] = v
      }
    }
    return out
  }
  if (!(value instanceof Float64Array) && !Array.isArray(value)) {
    return fail(name, 'a number, a function (x, y) => number, or a Float64Array or array of nx*ny values', value)
  }
  if (value.length !== nx * ny) fail(name, `of length nx*ny = ${nx * ny}`, value)
  for (let k = 0; k < value.length; k++) {
    const v = value[k]
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new TypeError(
        `${name}[${k}] (node (${k % nx}, ${Math.floor(k / nx)})) must be a finite number, got ${describe(v)}`,
      )
    }
    out[k] = v
  }
  return out
}
