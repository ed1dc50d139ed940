/**
 * Temporal blocking (native backend): how many steps one pass over memory advances, and how many units
 * the wavefront advances per level. Bands that fit in a core's cache gain nothing; larger ones are swept
 * once per k steps, with the units in flight (about k + tile + 3 per buffer: rows in 2D, planes in 3D)
 * kept in cache. Blocking needs bands of at least 2k units, and is off on a periodic slowest axis (its
 * ghost units join the first and last bands).
 */
import type { Band } from '../parallel/partition.js'
import type { Problem } from '../options/problem.js'
import { needsFaces } from '../model/faces.js'
import { is3d, unitLengthOf } from '../model/grid.js'

/**
 * A band of rows that fits in this much of one core's L2 runs plain steps. Measured (native, one process,
 * best of 11, plain against k = 8): 258² (1.1 MB per band on 1 thread, 0.5 on 2) ran the same either way;
 * 386² on 2 threads (1.2 MB bands) 8550 against 9579 MLUP/s, so the budget sits below that.
 */
const kCacheBytes = 1 << 20
/**
 * Cache one worker may fill with planes: planes are large, so a 3D wavefront lives in the shared last
 * level cache. Measured on 2 workers sharing a 32 MiB L3 (bench --physics 3d): at 386³ (1.2 MB planes)
 * k = 4, which this budget gives, beat k = 2 and 3; smaller cubes get k = 8. A band is left unblocked
 * only when every worker's band fits the budget together: at 130³ on 2 workers each band alone fits,
 * both do not, and k = 8 ran at 3962 MLUP/s against 2456 unblocked.
 */
const kPlaneCacheBytes = 18 * (1 << 20)
/**
 * Cache a 2D wavefront of rows may fill (about k + tile + 3 rows per streamed array), which sets its depth
 * k: more than one core's L2, since the rows in flight are served from the shared L3 well enough once
 * they are swept a tile at a time. Measured (native, interleaved in one process, best of 5–11; k / tile
 * against the former 16 / 1): 8194² k = 32, tile 4 ran 8276 against 5833 MLUP/s on 2 threads and 4276
 * against 2978 on 1; k = 48 gained no more, tile 8 lost (6231). A variable α at 8194² (4 arrays): k = 16,
 * tile 2 ran 3625 against 2625 for the former 7 / 1. A deeper block delays an abort by one block.
 */
const kDepthBytes = 5 * (1 << 20)
/**
 * Rows a 2D wavefront advances per level at each front: as many as fill about this much of the streamed
 * arrays (at most kMaxTile). Row by row, each row is read back at the next level right after it was written,
 * and short calls cost more: at 2050², k = 32, tile 16 ran 8924 MLUP/s on 2 threads and 4828 on 1
 * against 7955 and 4278 for 16 / 1 (tile 4: 8206 / 4481, 8: 8763 / 4773); a variable α, tile 8 against
 * 16 / 1: 4303 against 3302 on 2 threads. Planes are large: a 3D wavefront goes plane by plane (tiles of
 * 2 and 4 planes ran the same at 130³).
 */
const kTileBytes = 512 * 1024
const kMaxTile = 16
/**
 * A block's valley (phase 2) is raised by one thread while the band above waits: k(k − 1) row updates
 * against about k·rows per band. Rows per band per step of depth keep it near 1/16 of a block: 514² on
 * 2 threads (256-row bands) ran k = 8 and 16 at 8974 and 7928 MLUP/s against 7755 for k = 32, and 770²
 * (384 rows) k = 16 at 10366 against 9696. (Blocks now beat plain steps there: 7233 and 7561.)
 */
const kRowsPerDepth = 16
/** The deepest block 'auto' picks for rows (planes: 8). */
const kMaxDepth = { rows: 32, planes: 8 }

/** How a run's steps are blocked: k steps per pass over memory (1: plain steps), `tile` units per level. */
export interface Blocking {
  readonly k: number
  readonly tile: number
}

export function blocking(problem: Problem, bands: readonly Band[]): Blocking {
  const { grid } = problem
  const periodicSlow = is3d(grid) ? grid.periodicZ : grid.periodicY
  if (problem.backend !== 'native' || periodicSlow) return { k: 1, tile: 1 }
  // A variable diffusivity streams its east and north faces (and up, in 3D) beside the two fields.
  const arrays = needsFaces(problem.diffusivityField, problem.sides, problem.method) ? (is3d(grid) ? 5 : 4) : 2
  const unitBytes = unitLengthOf(grid) * Float64Array.BYTES_PER_ELEMENT
  const cache = is3d(grid) ? kPlaneCacheBytes : kCacheBytes
  const units = bands.map((b) => b.end - b.start)
  const fewest = Math.min(...units)
  const tile = is3d(grid) ? 1 : Math.max(1, Math.min(kMaxTile, Math.round(kTileBytes / (arrays * unitBytes))))
  let k = problem.temporalBlocking
  if (k === 'auto') {
    // Rows fit a core's own L2; planes share the L3 with every other worker's band.
    const sharers = is3d(grid) ? bands.length : 1
    const bandFits = arrays * Math.max(...units) * unitBytes * sharers <= cache
    const [depthBytes, most] = is3d(grid)
      ? [cache, kMaxDepth.planes]
      : [kDepthBytes, Math.min(kMaxDepth.rows, Math.floor(fewest / kRowsPerDepth))]
    // Planes go one at a time, and their budget (measured before tiles) counts k + 3 of them.
    const inFlight = 3 + (is3d(grid) ? 0 : tile)
    k = bandFits ? 1 : Math.max(2, Math.min(most, Math.floor(depthBytes / (arrays * unitBytes)) - inFlight))
  }
  return { k: Math.max(1, Math.min(k, Math.floor(fewest / 2))), tile }
}
