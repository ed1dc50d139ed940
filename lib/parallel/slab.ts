/**
 * The decomposition of a grid over MPI ranks: each rank owns a slab of node rows and solves it widened by
 * k halo rows on each side that borders another rank. The outermost halo row is held fixed (the `halo`
 * side below: its nodes keep the values they are given) and the other halo rows are computed again on
 * both ranks, so after k steps the rows a rank owns are exact, bit for bit (every node runs the same
 * arithmetic as in one process), and neighbours swap k rows (halo.ts). A periodic y axis makes a ring.
 */
import { applyFixed, type Side, type Sides } from '../model/boundary/index.js'
import { allocateShared, packField } from '../model/field.js'
import { kNoGhost } from '../model/boundary/rule.js'
import type { Grid } from '../model/grid.js'
import type { SolveOptions } from '../api/types.js'
import { checkMemory, memoryNeeds } from '../options/limits.js'
import type { Problem } from '../options/problem.js'
import { type Band, partitionRows } from './partition.js'

/** The most halo rows exchanged at once: steps per exchange (fewer on small slabs). */
export const kHaloDepth = 8

/** No neighbour on that side (MPI_PROC_NULL is passed in its place). */
export const kNoRank = -1

/** One rank's part of the grid. Rows are global node rows j; `rows` lists the slab's, bottom to top. */
export interface Slab {
  readonly rank: number
  readonly ranks: number
  /** The owned rows [owned.start, owned.end). */
  readonly owned: Band
  /** Halo rows below and above the owned rows (0 or `depth`). */
  readonly below: number
  readonly above: number
  /** Steps between exchanges, and rows exchanged each time. */
  readonly depth: number
  /** Neighbour ranks below (smaller j) and above, or kNoRank. */
  readonly down: number
  readonly up: number
  /** The global row of each slab row, bottom to top (wrapping around on a periodic y axis). */
  readonly rows: readonly number[]
}

/** The fewest rows a rank may own: a halo row must never be a boundary row of the grid. */
export const kMinRowsPerRank = 2

/** Refuses a grid with too few rows for `ranks` ranks (the same message on every rank). */
export function checkRanks(grid: Grid, ranks: number): void {
  if (ranks > 1 && Math.floor(grid.ny / ranks) < kMinRowsPerRank) {
    throw new RangeError(
      `options.grid.ny (${grid.ny}) is too small for ${ranks} MPI ranks: each rank needs at least ${kMinRowsPerRank} rows, so ny must be at least ${kMinRowsPerRank * ranks}`,
    )
  }
}

/**
 * Rank `rank`'s slab. The depth k is at most one less than the fewest rows a rank owns, so that a halo
 * (k rows) comes from the next rank alone and never reaches a boundary row of a non-periodic grid.
 */
export function slabOf(grid: Grid, rank: number, ranks: number, depthCap = kHaloDepth): Slab {
  const bands = partitionRows(0, grid.ny - 1, ranks)
  const owned = bands[rank]
  const fewest = Math.floor(grid.ny / ranks)
  const depth = ranks === 1 ? 0 : Math.max(1, Math.min(depthCap, fewest - 1))
  const ring = grid.periodicY && ranks > 1
  const neighbour = (r: number) => (ring ? (r + ranks) % ranks : r >= 0 && r < ranks ? r : kNoRank)
  const [down, up] = [neighbour(rank - 1), neighbour(rank + 1)]
  const below = down === kNoRank ? 0 : depth
  const above = up === kNoRank ? 0 : depth
  const rows = Array.from({ length: below + owned.end - owned.start + above }, (_, r) => {
    return (owned.start - below + r + grid.ny) % grid.ny
  })
  return Object.freeze({ rank, ranks, owned, below, above, depth, down, up, rows: Object.freeze(rows) })
}

/** The side a slab has where it borders another rank: its nodes keep their values, no ghost is read. */
const kHaloSide: Side = Object.freeze({ kind: 'halo', value: 0, fixed: true, wraps: false, ghost: () => kNoGhost })

/** The slab's grid: the same spacing, `rows` rows, and not periodic in y once it is cut. */
export function slabGrid(grid: Grid, slab: Slab): Grid {
  const ny = slab.rows.length
  const periodicY = grid.periodicY && slab.ranks === 1
  return Object.freeze({ ...grid, ny, ly: periodicY ? grid.ly : grid.dy * (ny - 1), periodicY })
}

function slabSides(sides: Sides, slab: Slab): Sides {
  const bottom = slab.below > 0 ? kHaloSide : sides.bottom
  const top = slab.above > 0 ? kHaloSide : sides.top
  return Object.freeze({ ...sides, bottom, top })
}

/** The values of global rows `rows` (bottom to top) of an nx·ny field. */
export function rowsOf(grid: Grid, field: Float64Array, rows: readonly number[]): Float64Array {
  const out = new Float64Array(grid.nx * rows.length)
  rows.forEach((j, r) => out.set(field.subarray(j * grid.nx, (j + 1) * grid.nx), r * grid.nx))
  return out
}

/**
 * The problem one rank solves: its slab with halo sides, the slab's rows of the initial field (`initial`,
 * as evaluated for `slab.rows`, before the fixed sides are applied) and of the source, and time step `dt`.
 * The grid's own fixed sides are applied to the slab as to the whole field; the halo rows are left alone.
 */
export function slabProblem(
  problem: Problem,
  slab: Slab,
  initial: Float64Array,
  source: Float64Array | null,
  dt: number,
): Problem {
  const grid = slabGrid(problem.grid, slab)
  const sides = slabSides(problem.sides, slab)
  const free = (side: Side) => (side === kHaloSide ? { ...side, fixed: false } : side)
  applyFixed(grid, { ...sides, bottom: free(sides.bottom), top: free(sides.top) }, initial)
  // A Problem's fields are halo-padded shared buffers (the solver runs on them as they are).
  const padded = (values: Float64Array) => {
    const field = allocateShared(grid)
    packField(grid, values, field)
    return field
  }
  const ghosts = Object.freeze({
    ...problem.ghosts,
    bottom: slab.below > 0 ? kNoGhost : problem.ghosts.bottom,
    top: slab.above > 0 ? kNoGhost : problem.ghosts.top,
  })
  return Object.freeze({
    ...problem,
    grid,
    sides,
    ghosts,
    // Faces are harmonic means of two neighbours: the slab's rows of α give the whole grid's faces there.
    diffusivityField:
      problem.diffusivityField === null ? null : rowsOf(problem.grid, problem.diffusivityField, slab.rows),
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
 * halo rows included), and rank 0 also the whole field it gathers. The whole grid may be larger than
 * any one host.
 */
export function checkSlabMemory(problem: Problem, slab: Slab, options: SolveOptions): void {
  const grid = slabGrid(problem.grid, slab)
  const needs = memoryNeeds(grid, options, undefined)
  const gathered = slab.rank === 0 ? Math.ceil(problem.grid.ny / grid.ny) : 0
  try {
    checkMemory(grid, { ...needs, copies: needs.copies + gathered })
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    const rows = `${grid.ny} of the grid's ${problem.grid.ny} rows, halo included`
    throw new RangeError(`${error.message} (MPI rank ${slab.rank}'s slab: ${rows})`)
  }
}
