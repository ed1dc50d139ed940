/**
 * A constant initial field, filled where it is used. Validation allocates the padded field and leaves it
 * untouched (`deferConstant`); when the workers start, each one writes the units of its own band (node
 * values, the fixed sides' values, the halo) in parallel with its peers, in place, before its first run,
 * and the main thread writes only the units outside every band (`fillConstantUnits`). A reader that needs
 * the values earlier (frames' fixed range, a checkpoint's hash, a sweep's job) settles the field on its own
 * thread first (`settleInitial`), and the workers then find nothing left to fill.
 *
 * A value of +0 is written too, although the new buffer holds zeros: a page first read and then written
 * faults twice (the shared zero page, then its copy), and on this kind of guest those second faults,
 * taken by the first steps, cost more than the write here.
 */
import { type FixedSides, fixedValues, type GhostRules, type Sides } from './boundary/index.js'
import type { GhostCells } from './boundary/rule.js'
import { allocateShared, fillUnitHalos } from './field.js'
import { type Grid, is3d, paddedIndex, unitCountOf, unitLengthOf } from './grid.js'

/** What a worker needs to fill its units of a constant field: plain data, for a structured clone. */
export interface ConstantFill {
  readonly value: number
  readonly grid: Grid
  /** The sides' fixed values (none of them varies). */
  readonly sides: FixedSides
  readonly rules: GhostRules
}

/** Fields whose node cells should hold this value but were left untouched. */
const deferred = new WeakMap<Float64Array, number>()

/** A new padded shared field of the constant `value`, whose filling is deferred. */
export function deferConstant(grid: Grid, value: number): Float64Array {
  const field = allocateShared(grid)
  deferred.set(field, value)
  return field
}

/** True while `field` is a deferred constant that nobody has filled yet. */
export const isDeferred = (field: Float64Array): boolean => deferred.has(field)

/**
 * Fills a deferred constant's node cells and applies the fixed sides' values, here and now (the halo is
 * left to fillHalo, as for any other initial field); any other field is returned as it is.
 */
export function settleInitial(grid: Grid, sides: Sides, field: Float64Array): Float64Array {
  const value = deferred.get(field)
  if (value === undefined) return field
  deferred.delete(field)
  fillNodeUnits(grid, field, value, 1, unitCountOf(grid) + 1)
  fixedValues(grid, sides, 0, (i, j, v, k) => (field[paddedIndex(grid, i, j, k)] = v))
  return field
}

/**
 * Hands a deferred constant's filling to the workers: its description, or null when there is nothing to
 * hand (the field is filled, or given up with `forgetDeferred`) or a side's data vary (they are functions,
 * which do not cross to a worker: the field is then settled here).
 */
export function handOver(grid: Grid, sides: Sides, rules: GhostRules, field: Float64Array): ConstantFill | null {
  const value = deferred.get(field)
  if (value === undefined) return null
  if (Object.values(sides).some((s) => s?.varying === true)) {
    settleInitial(grid, sides, field)
    return null
  }
  deferred.delete(field)
  const plain = Object.fromEntries(
    Object.entries(sides).map(([name, s]) => [name, { fixed: s.fixed, value: s.value, varying: false }]),
  ) as FixedSides
  return { value, grid, sides: plain, rules }
}

/** Drops a deferral whose field is about to be overwritten whole (a resume writes the saved values). */
export const forgetDeferred = (field: Float64Array): boolean => deferred.delete(field)

/**
 * Writes padded node units from…to − 1 of a constant field: node values, fixed values, then their halo
 * (`cells`: a variable diffusivity's ghost cells). The ghost units across the slowest axis are the
 * caller's (they are made of the units next to them).
 */
export function fillConstantUnits(
  fill: ConstantFill,
  field: Float64Array,
  from: number,
  to: number,
  cells?: GhostCells,
): void {
  const { grid, value, sides, rules } = fill
  fillNodeUnits(grid, field, value, from, to)
  const unit = unitLengthOf(grid)
  fixedValues(grid, sides, 0, (i, j, v, k) => {
    const at = paddedIndex(grid, i, j, k)
    const u = Math.floor(at / unit)
    if (u >= from && u < to) field[at] = v
  })
  fillUnitHalos(grid, field, rules, from, to, cells)
}

/** Node cells of padded units from…to − 1 set to `value`. */
function fillNodeUnits(grid: Grid, field: Float64Array, value: number, from: number, to: number): void {
  // Padded unit u is node row u − 1 in 2D, node plane u − 1 (of ny rows) in 3D.
  const planes = is3d(grid)
  const rowAt = (u: number, j: number) => (planes ? paddedIndex(grid, 0, j, u - 1) : paddedIndex(grid, 0, u - 1))
  for (let u = from; u < to; u++) {
    for (let j = 0; j < (planes ? grid.ny : 1); j++) {
      const row = rowAt(u, j)
      field.fill(value, row, row + grid.nx)
    }
  }
}
