/**
 * The decomposition of a grid over MPI ranks along its slowest axis, in *units*: node rows in 2D, node
 * planes in 3D (as the bands of workers, see model/grid.ts). Each rank owns a slab of units and solves it
 * widened by k halo units on each side that borders another rank. The outermost halo unit is held fixed
 * (the `halo` side below: its nodes keep the values they are given) and the other halo units are computed
 * again on both ranks, so after k steps the units a rank owns are exact, bit for bit (every node runs the
 * same arithmetic as in one process), and neighbours swap k units (halo.ts). A periodic slowest axis (y in
 * 2D, z in 3D) makes a ring.
 */
import { applyFixed, type GhostRules, type Side, type Sides } from '../model/boundary/index.js'
import type { At } from '../model/boundary/data.js'
import { allocateShared, packField } from '../model/field.js'
import { kNoGhost } from '../model/boundary/rule.js'
import { type Grid, is3d, unitCountOf } from '../model/grid.js'
import type { SolveOptions } from '../api/types.js'
import { checkMemory, memoryNeeds } from '../options/limits.js'
import type { SourceAt } from '../options/fields.js'
import type { Problem } from '../options/problem.js'
import { type Band, partitionRows } from './partition.js'

/** The most halo units exchanged at once: steps per exchange (fewer on small slabs). */
export const kHaloDepth = 8

/** No neighbour on that side (MPI_PROC_NULL is passed in its place). */
export const kNoRank = -1

/**
 * One rank's part of the grid. Units are global node rows j (2D) or planes k (3D); `units` lists the
 * slab's, from the low side (bottom, back) to the high side (top, front).
 */
export interface Slab {
  readonly rank: number
  readonly ranks: number
  /** The owned units [owned.start, owned.end). */
  readonly owned: Band
  /** Halo units below and above the owned units (0 or `depth`). */
  readonly below: number
  readonly above: number
  /** Steps between exchanges, and units exchanged each time. */
  readonly depth: number
  /** Neighbour ranks below (smaller j or k) and above, or kNoRank. */
  readonly down: number
  readonly up: number
  /** The global unit of each slab unit, low to high (wrapping around on a periodic axis). */
  readonly units: readonly number[]
}

/** The fewest units a rank may own: a halo unit must never be a boundary unit of the grid. */
export const kMinUnitsPerRank = 2

/** The slowest axis's words for messages: its node count's option, and what a unit is. */
const axisWords = (grid: Grid) => (is3d(grid) ? { count: 'nz', unit: 'planes' } : { count: 'ny', unit: 'rows' })

/** The grid wraps along its slowest axis (y in 2D, z in 3D). */
const wrapsSlowest = (grid: Grid) => (is3d(grid) ? grid.periodicZ : grid.periodicY)

/** Node values in one unit: a row (nx) in 2D, a plane (nx·ny) in 3D. */
export const unitNodesOf = (grid: Grid): number => (is3d(grid) ? grid.nx * grid.ny : grid.nx)

/** Refuses a grid with too few units for `ranks` ranks (the same message on every rank). */
export function checkRanks(grid: Grid, ranks: number): void {
  const n = unitCountOf(grid)
  const { count, unit } = axisWords(grid)
  if (ranks > 1 && Math.floor(n / ranks) < kMinUnitsPerRank) {
    throw new RangeError(
      `options.grid.${count} (${n}) is too small for ${ranks} MPI ranks: each rank needs at least ${kMinUnitsPerRank} ${unit}, so ${count} must be at least ${kMinUnitsPerRank * ranks}`,
    )
  }
}

/**
 * Rank `rank`'s slab. The depth k is at most one less than the fewest units a rank owns, so that a halo
 * (k units) comes from the next rank alone and never reaches a boundary unit of a non-periodic grid.
 */
export function slabOf(grid: Grid, rank: number, ranks: number, depthCap = kHaloDepth): Slab {
  const n = unitCountOf(grid)
  const owned = partitionRows(0, n - 1, ranks)[rank]
  const fewest = Math.floor(n / ranks)
  const depth = ranks === 1 ? 0 : Math.max(1, Math.min(depthCap, fewest - 1))
  const ring = wrapsSlowest(grid) && ranks > 1
  const neighbour = (r: number) => (ring ? (r + ranks) % ranks : r >= 0 && r < ranks ? r : kNoRank)
  const [down, up] = [neighbour(rank - 1), neighbour(rank + 1)]
  const below = down === kNoRank ? 0 : depth
  const above = up === kNoRank ? 0 : depth
  const units = Array.from({ length: below + owned.end - owned.start + above }, (_, u) => {
    return (owned.start - below + u + n) % n
  })
  return Object.freeze({ rank, ranks, owned, below, above, depth, down, up, units: Object.freeze(units) })
}

/**
 * The side a slab has where it borders another rank: its nodes keep the values the neighbour sends (held
 * from outside: the side ring leaves them alone), no ghost is read.
 */
const kHaloSide: Side = Object.freeze({
  kind: 'halo',
  value: 0,
  fixed: true,
  held: true,
  wraps: false,
  ghost: () => kNoGhost,
})

/** The slab's grid: the same spacing, `units` rows (planes in 3D), and not periodic there once it is cut. */
export function slabGrid(grid: Grid, slab: Slab): Grid {
  const n = slab.units.length
  const wraps = wrapsSlowest(grid) && slab.ranks === 1
  if (is3d(grid)) return Object.freeze({ ...grid, nz: n, lz: wraps ? grid.lz : grid.dz * (n - 1), periodicZ: wraps })
  return Object.freeze({ ...grid, ny: n, ly: wraps ? grid.ly : grid.dy * (n - 1), periodicY: wraps })
}

/** The two sides across the slowest axis: bottom and top in 2D, back and front in 3D. */
const slowestSides = (grid: Grid) => (is3d(grid) ? (['back', 'front'] as const) : (['bottom', 'top'] as const))

/** `sides` (or ghost rules) with `halo` in place of the low and high sides that border another rank. */
function withHalo<T>(grid: Grid, slab: Slab, sides: Readonly<Record<string, T>>, halo: T): Record<string, T> {
  const [low, high] = slowestSides(grid)
  return { ...sides, [low]: slab.below > 0 ? halo : sides[low], [high]: slab.above > 0 ? halo : sides[high] }
}

/**
 * Where and when a slab's local Solver is in the whole run: its coordinate along the slowest axis is that
 * of slab unit u = round(local / spacing), global unit `units[u]` at `units[u]·spacing` (the arithmetic of
 * one process, j·dy, so the bits match; wrapping on a periodic axis), and its time t is t0 + t (t0 the
 * resumed checkpoint's time, or 0: 0 + t is t).
 */
interface SlabClock {
  readonly along: (local: number) => number
  readonly at: (t: number) => number
}

function slabClock(grid: Grid, slab: Slab, t0: number): SlabClock {
  const spacing = is3d(grid) ? grid.dz : grid.dy
  return { along: (local) => slab.units[Math.round(local / spacing)] * spacing, at: (t) => t0 + t }
}

/** A side whose data are functions, evaluated at the whole grid's positions and times. */
function slabSide(side: Side, threeD: boolean, clock: SlabClock): Side {
  const { along, at } = clock
  // (x, y, t, z) in the slab → the whole grid's: y is the slowest axis in 2D, z in 3D.
  const map =
    (f: (x: number, y: number, t: number, z?: number) => number) => (x: number, y: number, t: number, z?: number) =>
      threeD ? f(x, y, at(t), along(z!)) : f(x, along(y), at(t))
  const valueAt = side.valueAt === undefined ? {} : { valueAt: map((x, y, t, z) => side.valueAt!(x, y, t, z)) }
  const transferAt =
    side.transferAt === undefined ? {} : { transferAt: map((x, y, t, z) => side.transferAt!(x, y, t, z)) }
  return Object.freeze({
    ...side,
    ...valueAt,
    ...transferAt,
    ghost: (spacing: number, diffusivity: number, name: string, place?: At) => {
      if (place === undefined) return side.ghost(spacing, diffusivity, name)
      const moved = threeD ? { ...place, z: along(place.z!) } : { ...place, y: along(place.y) }
      return side.ghost(spacing, diffusivity, name, { ...moved, t: at(place.t) })
    },
  })
}

/** A source of (x, y, t) (of (x, y, z, t) in 3D) at the whole grid's positions and times. */
function slabSourceAt(sourceAt: SourceAt, threeD: boolean, { along, at }: SlabClock): SourceAt {
  if (threeD) {
    const f = sourceAt as (x: number, y: number, z: number, t: number) => number
    return (x: number, y: number, z: number, t: number) => f(x, y, along(z), at(t))
  }
  const f = sourceAt as (x: number, y: number, t: number) => number
  return (x: number, y: number, t: number) => f(x, along(y), at(t))
}

/**
 * What varies in time or along the sides, in slab `grid` as in the whole run from time t0: the sides
 * (with halo sides where the slab borders another rank), a source of t and a source's scale g(t).
 */
export function slabTimed(problem: Problem, slab: Slab, t0: number) {
  const grid = slabGrid(problem.grid, slab)
  const [threeD, clock] = [is3d(grid), slabClock(grid, slab, t0)]
  const own = Object.fromEntries(
    Object.entries(problem.sides).map(([name, side]) => [
      name,
      side.varying === true ? slabSide(side, threeD, clock) : side,
    ]),
  )
  const { sourceAt, sourceScale } = problem
  return {
    sides: Object.freeze(withHalo(grid, slab, own, kHaloSide)) as Sides,
    sourceAt: sourceAt === null ? null : slabSourceAt(sourceAt, threeD, clock),
    sourceScale: sourceScale === null ? null : (t: number) => sourceScale(clock.at(t)),
  }
}

/** The values of global units `units` (low to high) of an unpadded field. */
export function unitsOf(grid: Grid, field: Float64Array, units: readonly number[]): Float64Array {
  const length = unitNodesOf(grid)
  const out = new Float64Array(length * units.length)
  units.forEach((g, u) => out.set(field.subarray(g * length, (g + 1) * length), u * length))
  return out
}

/**
 * The problem one rank solves: its slab with halo sides, the slab's units of the initial field (`initial`,
 * as evaluated for `slab.units`, before the fixed sides are applied) and of the source, and time step `dt`;
 * side data and sources of t are taken at the whole grid's positions, from t = 0 (see slabTimed for a resumed run).
 * The grid's own fixed sides are applied to the slab as to the whole field; the halo units are left alone.
 */
export function slabProblem(
  problem: Problem,
  slab: Slab,
  initial: Float64Array,
  source: Float64Array | null,
  dt: number,
): Problem {
  const grid = slabGrid(problem.grid, slab)
  const timed = slabTimed(problem, slab, 0)
  applyFixed(grid, withHalo(grid, slab, timed.sides, { ...kHaloSide, fixed: false }) as Sides, initial)
  // A Problem's fields are halo-padded shared buffers (the solver runs on them as they are).
  const padded = (values: Float64Array) => {
    const field = allocateShared(grid)
    packField(grid, values, field)
    return field
  }
  const ghosts = Object.freeze(withHalo(grid, slab, problem.ghosts, kNoGhost)) as GhostRules
  return Object.freeze({
    ...problem,
    grid,
    ...timed,
    ghosts,
    // Faces are harmonic means of two neighbours: the slab's units of α give the whole grid's faces there.
    diffusivityField:
      problem.diffusivityField === null ? null : unitsOf(problem.grid, problem.diffusivityField, slab.units),
    initial: padded(initial),
    source: source === null ? null : padded(source),
    dt,
    frames: undefined,
    vtk: undefined,
    checkpoint: undefined,
    resume: undefined,
    onProgress: undefined,
    trackers: [],
  })
}

/**
 * Refuses a slab that does not fit in this host's memory: each rank checks its own slab (its fields,
 * halo units included), and rank 0 also the whole field it gathers. The whole grid may be larger than
 * any one host.
 */
export function checkSlabMemory(problem: Problem, slab: Slab, options: SolveOptions): void {
  const grid = slabGrid(problem.grid, slab)
  const needs = memoryNeeds(grid, options, undefined)
  const gathered = slab.rank === 0 ? Math.ceil(unitCountOf(problem.grid) / unitCountOf(grid)) : 0
  try {
    checkMemory(grid, { ...needs, copies: needs.copies + gathered })
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    const { unit } = axisWords(grid)
    const rows = `${unitCountOf(grid)} of the grid's ${unitCountOf(problem.grid)} ${unit}, halo included`
    throw new RangeError(`${error.message} (MPI rank ${slab.rank}'s slab: ${rows})`)
  }
}
