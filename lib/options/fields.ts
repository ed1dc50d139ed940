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
