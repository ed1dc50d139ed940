/**
 * Temporal blocking (native backend): how many steps one pass over memory advances. Bands that fit in
 * cache gain nothing; large ones are swept once per k steps, with the rows in flight (about k + 3 per
 * buffer) kept in cache. Blocking needs bands of at least 2k rows, and is off on a periodic y axis (its
 * ghost rows join the first and last bands).
 */
import type { Band } from '../parallel/partition.js'
import type { Problem } from '../options/problem.js'
import { needsFaces } from '../model/faces.js'
import { strideOf } from '../model/grid.js'

/** Cache one worker may fill (a little below one core's L2 on the machines we measured). */
const kCacheBytes = 1.5 * (1 << 20)

export function blockSteps(problem: Problem, bands: readonly Band[]): number {
  if (problem.backend !== 'native' || problem.grid.periodicY) return 1
  // A variable diffusivity streams its east and north faces beside the two fields.
  const arrays = needsFaces(problem.diffusivityField, problem.sides) ? 4 : 2
  const rowBytes = strideOf(problem.grid) * Float64Array.BYTES_PER_ELEMENT
  const rows = bands.map((b) => b.end - b.start)
  const fit = Math.floor(Math.min(...rows) / 2)
  let k = problem.temporalBlocking
  if (k === 'auto') {
    const bandFits = arrays * Math.max(...rows) * rowBytes <= kCacheBytes
    k = bandFits ? 1 : Math.max(2, Math.min(8, Math.floor(kCacheBytes / (arrays * rowBytes)) - 3))
  }
  return Math.max(1, Math.min(k, fit))
}
