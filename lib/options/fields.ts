/**
 * Fields given as options (`initial`, `source`): a number, a function of (x, y), or nx·ny values,
 * evaluated straight into the node cells of a new halo-padded shared field. No nx·ny copy is made: the
 * padded field is what the workers run on (see api/start.ts), so the only field memory is the fields'.
 */
import type { FieldInit } from '../api/types.js'
import { allocateShared } from '../model/field.js'
import { type Grid, paddedIndex } from '../model/grid.js'
import { describe, fail, finiteNumber } from './check.js'

function fromFunction(name: string, f: (x: number, y: number) => number, grid: Grid, out: Float64Array): void {
  const { nx, ny, dx, dy } = grid
  for (let j = 0; j < ny; j++) {
    const row = paddedIndex(grid, 0, j)
    for (let i = 0; i < nx; i++) {
      const [x, y] = [i * dx, j * dy]
      const v = f(x, y)
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new TypeError(
          `${name}(x, y) must return a finite number, got ${describe(v)} at node (${i}, ${j}), x = ${x}, y = ${y}`,
        )
      }
      out[row + i] = v
    }
  }
}

function fromValues(name: string, values: ArrayLike<unknown>, grid: Grid, out: Float64Array): void {
  const { nx, ny } = grid
  for (let j = 0; j < ny; j++) {
    const row = paddedIndex(grid, 0, j)
    for (let i = 0; i < nx; i++) {
      const v = values[j * nx + i]
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new TypeError(`${name}[${j * nx + i}] (node (${i}, ${j})) must be a finite number, got ${describe(v)}`)
      }
      out[row + i] = v
    }
  }
}

/**
 * Evaluates a number, a function of (x, y) or an nx·ny array into a new padded shared field whose node
 * cells hold the checked, finite values (the halo is left at zero, for fillHalo).
 */
export function parseFieldInit(name: string, value: FieldInit, grid: Grid): Float64Array {
  const out = allocateShared(grid)
  if (typeof value === 'number') {
    const v = finiteNumber(name, value)
    for (let j = 0; j < grid.ny; j++) out.fill(v, paddedIndex(grid, 0, j), paddedIndex(grid, grid.nx, j))
    return out
  }
  if (typeof value === 'function') {
    fromFunction(name, value, grid, out)
    return out
  }
  if (!(value instanceof Float64Array) && !Array.isArray(value)) {
    return fail(name, 'a number, a function (x, y) => number, or a Float64Array or array of nx*ny values', value)
  }
  if (value.length !== grid.nx * grid.ny) fail(name, `of length nx*ny = ${grid.nx * grid.ny}`, value)
  fromValues(name, value, grid, out)
  return out
}

/**
 * As parseFieldInit, but into plain values of only the grid rows `rows` (in that order, nx values each):
 * an MPI rank's slab.
 */
export function parseFieldRows(name: string, value: FieldInit, grid: Grid, rows: readonly number[]): Float64Array {
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

/** The source term: a field constant in time, times a scale g(t), or a function of (x, y, t). */
export interface Source {
  /** nx·ny values: the field, the separable form's shape, or f(x, y, 0) for a function of (x, y, t). */
  readonly field: Float64Array
  /** The separable form's g(t), or null. */
  readonly scale: ((t: number) => number) | null
  /** A function of (x, y, t), evaluated over the grid before every step, or null. */
  readonly at: ((x: number, y: number, t: number) => number) | null
}

/** g(t), checked finite; the message names the option and the time. */
export function scaleAt(scale: (t: number) => number, t: number): number {
  const g = scale(t)
  if (typeof g !== 'number' || !Number.isFinite(g)) {
    throw new TypeError(`options.source.scale(t) must return a finite number, got ${describe(g)} at t = ${t}`)
  }
  return g
}

/**
 * `source`: a number, nx·ny values, a function (x, y) (constant in time), a function (x, y, t) (told
 * apart by its declared parameters: three or more), or the separable `{ shape, scale }`, shape a field
 * and scale a function of t. The source of step n is taken at t_n (forward Euler).
 */
export function parseSource(value: unknown, grid: Grid): Source {
  const name = 'options.source'
  if (typeof value === 'function' && value.length >= 3) {
    const at = value as (x: number, y: number, t: number) => number
    return { field: parseFieldInit(`${name}`, (x, y) => at(x, y, 0), grid), scale: null, at }
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value)) {
    const spec = value as Record<string, unknown>
    for (const key of Object.keys(spec)) {
      if (key !== 'shape' && key !== 'scale')
        throw new TypeError(`Unknown option ${name}.${key}; expected one of shape, scale`)
    }
    if (typeof spec.scale !== 'function') fail(`${name}.scale`, 'a function (t) => number', spec.scale)
    const scale = spec.scale as (t: number) => number
    scaleAt(scale, 0)
    return { field: parseFieldInit(`${name}.shape`, (spec.shape ?? 0) as FieldInit, grid), scale, at: null }
  }
  return { field: parseFieldInit(name, value as FieldInit, grid), scale: null, at: null }
}
