/**
 * Fields given as options (`initial`, `source`): a number, a function of (x, y), or nx·ny values,
 * evaluated straight into the node cells of a new halo-padded shared field. No nx·ny copy is made: the
 * padded field is what the workers run on (see api/start.ts), so the only field memory is the fields'.
 * A large one's pages are faulted in by another core while the main thread writes it (fillPrefaulted).
 */
import type { FieldInit } from '../api/types.js'
import { deferConstant } from '../model/constant.js'
import { allocateShared } from '../model/field.js'
import { fillPrefaulted } from '../model/pages.js'
import { forEachRow, type Grid, is3d, nodeCountOf, nodeText } from '../model/grid.js'
import { describe, fail, finiteNumber } from './check.js'

/** The parameters a field function takes, as text: "x, y" or "x, y, z". */
const paramsOf = (grid: Grid) => (is3d(grid) ? 'x, y, z' : 'x, y')

/** Visits node rows: `visit(at, n, j, k)`, `at` where the row's first node goes and `n` its unpadded index. */
type RowVisitor = (visit: (at: number, n: number, j: number, k: number) => void) => void

function fromFunction(
  name: string,
  f: (x: number, y: number, z: number) => number,
  grid: Grid,
  rows: RowVisitor,
  out: Float64Array,
) {
  const { nx, dx, dy, dz } = grid
  const threeD = is3d(grid)
  const f2 = f as (x: number, y: number) => number
  // It runs at every node: no per-node arrays, and the failure's message is built only on a failure.
  rows((row, _, j, k) => {
    const [y, z] = [j * dy, k * dz]
    for (let i = 0; i < nx; i++) {
      const v = threeD ? f(i * dx, y, z) : f2(i * dx, y)
      if (typeof v !== 'number' || !Number.isFinite(v)) notFinite(name, grid, v, i, j, k)
      out[row + i] = v
    }
  })
}

function notFinite(name: string, grid: Grid, v: unknown, i: number, j: number, k: number): never {
  throw new TypeError(
    `${name}(${paramsOf(grid)}) must return a finite number, got ${describe(v)} at ${nodeText(grid, i, j, k)}`,
  )
}

function fromValues(name: string, values: ArrayLike<unknown>, grid: Grid, rows: RowVisitor, out: Float64Array): void {
  const { nx } = grid
  rows((row, n, j, k) => {
    for (let i = 0; i < nx; i++) {
      const v = values[n + i]
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        const node = is3d(grid) ? `(${i}, ${j}, ${k})` : `(${i}, ${j})`
        throw new TypeError(`${name}[${n + i}] (node ${node}) must be a finite number, got ${describe(v)}`)
      }
      out[row + i] = v
    }
  })
}

/** Evaluates a function or reads an array into the node rows `rows` visits (after checking the array). */
function evaluate(name: string, value: FieldInit, grid: Grid, rows: RowVisitor, out: Float64Array): Float64Array {
  if (typeof value === 'function') {
    fromFunction(name, value as (x: number, y: number, z: number) => number, grid, rows, out)
    return out
  }
  const [count, shape] = is3d(grid) ? ['nx*ny*nz', `(${paramsOf(grid)})`] : ['nx*ny', '(x, y)']
  if (!(value instanceof Float64Array) && !Array.isArray(value)) {
    return fail(name, `a number, a function ${shape} => number, or a Float64Array or array of ${count} values`, value)
  }
  if (value.length !== nodeCountOf(grid)) fail(name, `of length ${count} = ${nodeCountOf(grid)}`, value)
  fromValues(name, value, grid, rows, out)
  return out
}

/**
 * Evaluates a number, a function of (x, y) (or (x, y, z) in 3D) or an unpadded array into a new padded
 * shared field whose node cells hold the checked, finite values (the halo is left at zero, for fillHalo).
 */
export function parseFieldInit(name: string, value: FieldInit, grid: Grid): Float64Array {
  const out = allocateShared(grid)
  const v = typeof value === 'number' ? finiteNumber(name, value) : null
  // Every branch writes each page of the fresh field on this thread: another core faults them in meanwhile
  // (model/pages.ts); the values are the same.
  return fillPrefaulted(out, () => {
    if (v === null) return evaluate(name, value, grid, (visit) => forEachRow(grid, visit), out)
    forEachRow(grid, (row) => out.fill(v, row, row + grid.nx))
    return out
  })
}

/**
 * `options.initial` as parseFieldInit reads it, except a number: its padded field is left untouched, to be
 * filled where it is used (model/constant.ts), and the fixed sides' values are applied then too.
 */
export function parseInitial(value: FieldInit, grid: Grid): Float64Array {
  if (typeof value === 'number') return deferConstant(grid, finiteNumber('options.initial', value))
  return parseFieldInit('options.initial', value, grid)
}

/**
 * As parseFieldInit, but into plain unpadded values of only the units `units` of the grid (rows in 2D,
 * planes in 3D; global indices, in that order): an MPI rank's slab. A function is called at those nodes
 * only, and an array read there only.
 */
export function parseFieldUnits(name: string, value: FieldInit, grid: Grid, units: readonly number[]): Float64Array {
  const { nx, ny } = grid
  const threeD = is3d(grid)
  const out = new Float64Array(nx * (threeD ? ny : 1) * units.length)
  if (typeof value === 'number') return out.fill(finiteNumber(name, value))
  const rows: RowVisitor = (visit) => {
    for (const [u, unit] of units.entries()) {
      if (!threeD) visit(u * nx, unit * nx, unit, 0)
      else for (let j = 0; j < ny; j++) visit((u * ny + j) * nx, (unit * ny + j) * nx, j, unit)
    }
  }
  return evaluate(name, value, grid, rows, out)
}

/** A source that varies in time: f(x, y, t) in 2D, f(x, y, z, t) in 3D. */
export type SourceAt =
  ((x: number, y: number, t: number) => number) | ((x: number, y: number, z: number, t: number) => number)

/** The source term: a field constant in time, times a scale g(t), or a function of (x, y, t). */
export interface Source {
  /** The node values: the field, the separable form's shape, or f at t = 0 for a function of t. */
  readonly field: Float64Array
  /** The separable form's g(t), or null. */
  readonly scale: ((t: number) => number) | null
  /** A function of (x, y, t) (of (x, y, z, t) in 3D), evaluated over the grid before every step, or null. */
  readonly at: SourceAt | null
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
 * `source`: a number, node values, a function (x, y) (constant in time), a function (x, y, t) (told
 * apart by its declared parameters: three or more; in 3D (x, y, z) and (x, y, z, t), four or more), or
 * the separable `{ shape, scale }`, shape a field and scale a function of t. The source of step n is
 * taken at t_n (forward Euler).
 */
export function parseSource(value: unknown, grid: Grid): Source {
  const name = 'options.source'
  if (typeof value === 'function' && value.length >= (is3d(grid) ? 4 : 3)) {
    if (is3d(grid)) {
      const at = value as (x: number, y: number, z: number, t: number) => number
      return { field: parseFieldInit(`${name}`, (x, y, z) => at(x, y, z, 0), grid), scale: null, at }
    }
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
