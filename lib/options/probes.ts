/**
 * `options.probes`: points where u is recorded, checked once against the grid and turned into the four
 * nodes around each point and their bilinear weights.
 */
import type { ProbePoint } from '../api/types.js'
import type { Grid } from '../model/grid.js'
import { checkKeys, describe, fail, integerAtLeast, isPlainObject } from './check.js'

/** The most probes one run may carry. */
export const kMaxProbes = 10_000

/** One probe: its point, the nodes (i0 | i1) × (j0 | j1) around it and the weights of i1 and j1. */
export interface ProbeStencil {
  readonly x: number
  readonly y: number
  readonly i0: number
  readonly i1: number
  readonly j0: number
  readonly j1: number
  readonly wx: number
  readonly wy: number
}

/** Validated probes: every how many steps, and each probe's stencil. */
export interface ProbesConfig {
  readonly every: number
  readonly probes: readonly ProbeStencil[]
}

/**
 * The cell of coordinate `v` along an axis of `n` nodes and spacing `h`: the lower node, the upper one and
 * the upper one's weight. On a closed axis the last cell is [n − 2, n − 1], so v = l is node n − 1 with
 * weight 1; on a periodic axis node n − 1 is followed by node 0 (at v = l, which is node 0 again).
 */
function cell(v: number, n: number, h: number, periodic: boolean): [number, number, number] {
  const f = v / h
  if (periodic) {
    const lower = Math.min(Math.floor(f), n)
    return [lower % n, (lower + 1) % n, f - lower]
  }
  const lower = Math.min(Math.floor(f), n - 2)
  return [lower, lower + 1, f - lower]
}

function coordinate(name: string, value: unknown, extent: number, axis: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > extent) {
    fail(name, `a number in [0, ${extent}] (the grid's ${axis} extent)`, value)
  }
  return value as number
}

function parsePoint(name: string, value: unknown, grid: Grid): ProbeStencil {
  if (!isPlainObject(value)) return fail(name, 'a point { x, y }', value)
  checkKeys(name, value, ['x', 'y'])
  const x = coordinate(`${name}.x`, value.x, grid.lx, 'x')
  const y = coordinate(`${name}.y`, value.y, grid.ly, 'y')
  const [i0, i1, wx] = cell(x, grid.nx, grid.dx, grid.periodicX)
  const [j0, j1, wy] = cell(y, grid.ny, grid.dy, grid.periodicY)
  return Object.freeze({ x, y, i0, i1, j0, j1, wx, wy })
}

function parsePoints(name: string, value: unknown, grid: Grid): readonly ProbeStencil[] {
  if (!Array.isArray(value) || value.length === 0) return fail(name, 'a non-empty array of points { x, y }', value)
  if (value.length > kMaxProbes)
    throw new RangeError(`${name} may hold at most ${kMaxProbes} points, got ${value.length}`)
  const points = Array.from(value as ProbePoint[])
  return Object.freeze(points.map((p, k) => parsePoint(`${name}[${k}]`, p, grid)))
}

/** Validates `options.probes` (undefined for none) against the grid; throws naming the bad field. */
export function parseProbes(value: unknown, grid: Grid): ProbesConfig | undefined {
  if (value === undefined) return undefined
  const name = 'options.probes'
  if (Array.isArray(value)) return Object.freeze({ every: 1, probes: parsePoints(name, value, grid) })
  if (!isPlainObject(value)) {
    throw new TypeError(`${name} must be an array of points [{ x, y }] or { points, every }, got ${describe(value)}`)
  }
  checkKeys(name, value, ['points', 'every'])
  const every = value.every === undefined ? 1 : integerAtLeast(`${name}.every`, value.every, 1)
  return Object.freeze({ every, probes: parsePoints(`${name}.points`, value.points, grid) })
}
