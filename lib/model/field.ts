/**
 * Fields: nx·ny (·nz) node values, stored halo-padded (see grid.ts) on SharedArrayBuffers that every
 * worker sees. Packing, unpacking and the halo are here; the halo is filled by applying each side's
 * ghost rule to the stored values (a copy for periodic sides), never by running a step.
 */
import type { GhostRule, GhostRules } from './boundary/index.js'
import { type GhostCells, mirrored, mirroredCell } from './boundary/rule.js'
import type { FaceViews } from './faces.js'
import { forEachRow, type Grid, is3d, nodeCountOf, paddedLengthOf, unitCountOf, unitLengthOf } from './grid.js'
import { adviseHugePages } from './pages.js'

/**
 * A padded field of zeros on a new SharedArrayBuffer, on huge pages when it is large (see pages.ts):
 * nothing has written it yet, so whoever does first (the main thread evaluating the initial field, the
 * workers filling a constant one or copying their rows into the second field) faults it in 2 MiB at a time.
 */
export function allocateShared(grid: Grid): Float64Array {
  const field = new Float64Array(new SharedArrayBuffer(paddedLengthOf(grid) * Float64Array.BYTES_PER_ELEMENT))
  adviseHugePages(field)
  return field
}

/** Copies the unpadded node values (node (i, j, k) at (k·ny + j)·nx + i) into the node cells of a padded field. */
export function packField(grid: Grid, values: Float64Array, padded: Float64Array): void {
  const { nx } = grid
  forEachRow(grid, (p, n) => padded.set(values.subarray(n, n + nx), p))
}

/** Copies the node cells of a padded field out into a new unpadded array. */
export function unpackField(grid: Grid, padded: Float64Array): Float64Array {
  const { nx } = grid
  const out = new Float64Array(nodeCountOf(grid))
  forEachRow(grid, (p, n) => out.set(padded.subarray(p, p + nx), n))
  return out
}

/**
 * Moves the node cells of a padded field to its start, row after row (each row moves left, so none is
 * overwritten before it is moved), and returns them as an unpadded view: the field read out without a
 * copy. The padded field is spent.
 */
export function compactInPlace(grid: Grid, padded: Float64Array): Float64Array {
  const { nx } = grid
  forEachRow(grid, (p, n) => padded.copyWithin(n, p, p + nx))
  return padded.subarray(0, nodeCountOf(grid))
}

/**
 * A ghost unit (a padded row in 2D, a padded plane in 3D: unit 0 below the grid, unit n + 1 above) and
 * the node units it is made from, as padded unit indices: target = a·inside + b·boundary + c (mirror)
 * or target = inside (wrap, from the opposite side). `owner` is the node unit whose worker refreshes it
 * after each step: the same worker must own `inside` and `boundary` (see parallel/partition.ts).
 */
export interface GhostRow {
  readonly target: number
  readonly inside: number
  readonly boundary: number
  readonly rule: GhostRule
  readonly owner: number
}

/**
 * The ghost units the sides across the slowest axis need (bottom and top in 2D, back and front in 3D;
 * none for a side whose ghost nothing reads).
 */
export function ghostRows(grid: Grid, rules: GhostRules): GhostRow[] {
  const n = unitCountOf(grid)
  const [low, high] = is3d(grid) ? [rules.back!, rules.front!] : [rules.bottom, rules.top]
  return ghostUnits(n, low, high)
}

/** The ghost units of n node units (padded units 1…n) whose low and high sides have these rules. */
export function ghostUnits(n: number, low: GhostRule, high: GhostRule): GhostRow[] {
  const rows: GhostRow[] = []
  if (low.kind === 'mirror') rows.push({ target: 0, inside: 2, boundary: 1, rule: low, owner: 1 })
  if (low.kind === 'wrap') rows.push({ target: 0, inside: n, boundary: n, rule: low, owner: n - 1 })
  if (high.kind === 'mirror') rows.push({ target: n + 1, inside: n - 1, boundary: n, rule: high, owner: n - 2 })
  if (high.kind === 'wrap') rows.push({ target: n + 1, inside: 1, boundary: 1, rule: high, owner: 0 })
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
 * ghost cell's own coefficients when a variable diffusivity's `faces` are given); in 3D plane by plane
 * (columns, then the plane's ghost rows), then the ghost planes.
 */
export function fillHalo(grid: Grid, field: Float64Array, rules: GhostRules, faces?: FaceViews): void {
  fillUnitHalos(grid, field, rules, 1, unitCountOf(grid) + 1, faces?.cells)
  fillGhostUnits(grid, field, ghostRows(grid, rules), faces?.cells)
}

/**
 * The halo within padded node units from…to − 1 (rows in 2D: their ghost columns; planes in 3D: their
 * ghost columns and ghost rows), from their node values; `cells`, a variable diffusivity's ghost cells.
 */
export function fillUnitHalos(
  grid: Grid,
  field: Float64Array,
  rules: GhostRules,
  from: number,
  to: number,
  cells?: GhostCells,
): void {
  const unit = unitLengthOf(grid)
  for (let u = from; u < to; u++) {
    const own = cells === undefined ? undefined : cellRow(cells, u, unit)
    if (is3d(grid)) fillPlaneHalo(field.subarray(u * unit, (u + 1) * unit), grid.nx, grid.ny, rules, 1, grid.ny, own)
    else fillGhostColumns(field, u * unit, grid.nx, rules.left, rules.right, cells)
  }
}

/** The ghost units `jobs` (rows in 2D, planes in 3D), from the units they are made of. */
export function fillGhostUnits(
  grid: Grid,
  field: Float64Array,
  jobs: readonly Omit<GhostRow, 'owner'>[],
  cells?: GhostCells,
): void {
  const unit = unitLengthOf(grid)
  const at = (u: number) => field.subarray(u * unit, (u + 1) * unit)
  for (const g of jobs) {
    const own = cells === undefined ? undefined : cellRow(cells, g.target, unit)
    fillGhostRow(at(g.target), at(g.inside), at(g.boundary), g.rule, own)
  }
}

/**
 * The in-plane halo of one padded plane of a 3D field: the ghost columns of node rows first…last
 * (padded rows), then the plane's bottom and top ghost rows; with `cells` (the plane's ghost
 * coefficients, a variable diffusivity), each ghost cell's own b and c. The js kernel calls it after
 * each plane.
 */
export function fillPlaneHalo(
  plane: Float64Array,
  nx: number,
  ny: number,
  rules: Pick<GhostRules, 'left' | 'right' | 'bottom' | 'top'>,
  first: number,
  last: number,
  cells?: GhostCells,
): void {
  const stride = nx + 2
  for (let j = first; j <= last; j++) fillGhostColumns(plane, j * stride, nx, rules.left, rules.right, cells)
  const row = (r: number) => plane.subarray(r * stride, (r + 1) * stride)
  for (const g of ghostUnits(ny, rules.bottom, rules.top)) {
    const own = cells === undefined ? undefined : cellRow(cells, g.target, stride)
    fillGhostRow(row(g.target), row(g.inside), row(g.boundary), g.rule, own)
  }
}
