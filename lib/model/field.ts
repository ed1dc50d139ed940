/**
 * Fields: nx·ny node values, stored halo-padded ((ny + 2) rows of (nx + 2) values) on SharedArrayBuffers
 * that every worker sees. Packing, unpacking and the halo are here; the halo is filled by applying each
 * side's ghost rule to the stored values (a copy for periodic sides), never by running a step.
 */
import type { GhostRule, SideName } from './boundary/index.js'
import { type GhostCells, mirrored, mirroredCell } from './boundary/rule.js'
import type { FaceViews } from './faces.js'
import { type Grid, paddedIndex, paddedLengthOf, strideOf } from './grid.js'

/** A padded field of zeros on a new SharedArrayBuffer. */
export function allocateShared(grid: Grid): Float64Array {
  return new Float64Array(new SharedArrayBuffer(paddedLengthOf(grid) * Float64Array.BYTES_PER_ELEMENT))
}

/** Copies nx·ny row-major values into the node cells of a padded field. */
export function packField(grid: Grid, values: Float64Array, padded: Float64Array): void {
  const { nx, ny } = grid
  for (let j = 0; j < ny; j++) padded.set(values.subarray(j * nx, (j + 1) * nx), paddedIndex(grid, 0, j))
}

/** Copies the node cells of a padded field out into a new nx·ny row-major array. */
export function unpackField(grid: Grid, padded: Float64Array): Float64Array {
  const { nx, ny } = grid
  const out = new Float64Array(nx * ny)
  for (let j = 0; j < ny; j++) {
    const start = paddedIndex(grid, 0, j)
    out.set(padded.subarray(start, start + nx), j * nx)
  }
  return out
}

/**
 * Moves the node cells of a padded field to its start, row after row (each row moves left, so none is
 * overwritten before it is moved), and returns them as an nx·ny view: the field read out without a copy.
 * The padded field is spent.
 */
export function compactInPlace(grid: Grid, padded: Float64Array): Float64Array {
  const { nx, ny } = grid
  for (let j = 0; j < ny; j++) padded.copyWithin(j * nx, paddedIndex(grid, 0, j), paddedIndex(grid, nx, j))
  return padded.subarray(0, nx * ny)
}

/**
 * A ghost row (padded row 0 below the grid, ny + 1 above) and the node rows it is made from, as padded
 * row indices: target = a·inside + b·boundary + c (mirror) or target = inside (wrap, from the opposite
 * side). `owner` is the node row whose worker refreshes it after each step: the same worker must own
 * `inside` and `boundary` (see parallel/partition.ts).
 */
export interface GhostRow {
  readonly target: number
  readonly inside: number
  readonly boundary: number
  readonly rule: GhostRule
  readonly owner: number
}

/** The ghost rows the bottom and top rules need (none for a side whose ghost nothing reads). */
export function ghostRows(grid: Grid, rules: Readonly<Record<SideName, GhostRule>>): GhostRow[] {
  const { ny } = grid
  const rows: GhostRow[] = []
  const { bottom, top } = rules
  if (bottom.kind === 'mirror') rows.push({ target: 0, inside: 2, boundary: 1, rule: bottom, owner: 1 })
  if (bottom.kind === 'wrap') rows.push({ target: 0, inside: ny, boundary: ny, rule: bottom, owner: ny - 1 })
  if (top.kind === 'mirror') rows.push({ target: ny + 1, inside: ny - 1, boundary: ny, rule: top, owner: ny - 2 })
  if (top.kind === 'wrap') rows.push({ target: ny + 1, inside: 1, boundary: 1, rule: top, owner: 0 })
  return rows
}

/**
 * Refreshes the left and right ghost cells of the padded row that starts at `row`; with `cells` (a
 * variable diffusivity), ghost cell `row` takes the coefficients at cells index `at`, and so on along.
 */
export function fillGhostColumns(
  field: Float64Array,
  row: number,
  nx: number,
  left: GhostRule,
  right: GhostRule,
  cells?: GhostCells,
  at = row,
): void {
  const [l, r] = [at, at + nx + 1]
  if (left.kind === 'mirror') {
    field[row] =
      cells === undefined
        ? mirrored(left, field[row + 2], field[row + 1])
        : mirroredCell(left, cells.b[l], cells.c[l], field[row + 2], field[row + 1])
  } else if (left.kind === 'wrap') field[row] = field[row + nx]
  if (right.kind === 'mirror') {
    field[row + nx + 1] =
      cells === undefined
        ? mirrored(right, field[row + nx - 1], field[row + nx])
        : mirroredCell(right, cells.b[r], cells.c[r], field[row + nx - 1], field[row + nx])
  } else if (right.kind === 'wrap') field[row + nx + 1] = field[row + 1]
}

/**
 * target[k] = a·inside[k] + b·boundary[k] + c (mirror) or inside[k] (wrap) over the node columns; with
 * `cells` (rows aligned with `target`), each cell's own b and c.
 */
export function fillGhostRow(
  target: Float64Array,
  inside: Float64Array,
  boundary: Float64Array,
  rule: GhostRule,
  cells?: GhostCells,
): void {
  if (rule.kind === 'wrap') for (let k = 1; k < target.length - 1; k++) target[k] = inside[k]
  else if (rule.kind === 'mirror' && cells === undefined) {
    for (let k = 1; k < target.length - 1; k++) target[k] = mirrored(rule, inside[k], boundary[k])
  } else if (rule.kind === 'mirror' && cells !== undefined) {
    for (let k = 1; k < target.length - 1; k++) {
      target[k] = mirroredCell(rule, cells.b[k], cells.c[k], inside[k], boundary[k])
    }
  }
}

/** The ghost cells of padded row `r`. */
const cellRow = (cells: GhostCells, r: number, stride: number): GhostCells => ({
  b: cells.b.subarray(r * stride, (r + 1) * stride),
  c: cells.c.subarray(r * stride, (r + 1) * stride),
})

/**
 * Fills the whole halo of a padded field from its node values: ghost columns, then ghost rows (with each
 * ghost cell's own coefficients when a variable diffusivity's `faces` are given).
 */
export function fillHalo(
  grid: Grid,
  field: Float64Array,
  rules: Readonly<Record<SideName, GhostRule>>,
  faces?: FaceViews,
): void {
  const stride = strideOf(grid)
  const cells = faces?.cells
  for (let j = 1; j <= grid.ny; j++) fillGhostColumns(field, j * stride, grid.nx, rules.left, rules.right, cells)
  const row = (r: number) => field.subarray(r * stride, (r + 1) * stride)
  for (const g of ghostRows(grid, rules)) {
    const own = cells === undefined ? undefined : cellRow(cells, g.target, stride)
    fillGhostRow(row(g.target), row(g.inside), row(g.boundary), g.rule, own)
  }
}
