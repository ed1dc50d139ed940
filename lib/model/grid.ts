/**
 * Grid geometry and the halo-padded index arithmetic of its fields, in 2D or 3D (the dimension is a
 * parameter: nz = 1 is the plane).
 *
 * Node (i, j, k), i = 0…nx−1 along x, j = 0…ny−1 along y and k = 0…nz−1 along z, sits at x = i·dx,
 * y = j·dy, z = k·dz. Fields are stored with a one-cell halo on every side: in 2D (ny + 2) rows of
 * (nx + 2) values, node (i, j) at padded index (j + 1)·(nx + 2) + (i + 1); in 3D (nz + 2) planes of
 * (ny + 2)·(nx + 2) values, node (i, j, k) at (k + 1)·(ny + 2)·(nx + 2) + (j + 1)·(nx + 2) + (i + 1).
 * Users' arrays are unpadded: node (i, j, k) at (k·ny + j)·nx + i.
 *
 * Bands of workers always cut the slowest axis: a band's *unit* is a padded row in 2D and a padded plane
 * in 3D, and everything that splits, copies or refreshes bands (partition, ghost rows, schedules, both
 * kernels' run loops) counts in units of `unitLengthOf(grid)` values.
 */

/** A validated grid: node counts, extents, spacing, and which axes wrap. In 2D nz = 1, lz = dz = 0. */
export interface Grid {
  readonly nx: number
  readonly ny: number
  readonly nz: number
  readonly lx: number
  readonly ly: number
  readonly lz: number
  readonly dx: number
  readonly dy: number
  readonly dz: number
  readonly periodicX: boolean
  readonly periodicY: boolean
  readonly periodicZ: boolean
}

/** The z axis of a 3D grid: node count, extent, periodic. */
export interface AxisZ {
  readonly nz: number
  readonly lz: number
  readonly periodic: boolean
}

/**
 * Builds the geometry; a periodic axis has spacing l/n (node n−1 is followed by node 0), others l/(n−1).
 * Without `z` (or with nz = 1) the grid is 2D.
 */
export function makeGrid(
  nx: number,
  ny: number,
  lx: number,
  ly: number,
  periodicX: boolean,
  periodicY: boolean,
  z?: AxisZ,
): Grid {
  const dx = periodicX ? lx / nx : lx / (nx - 1)
  const dy = periodicY ? ly / ny : ly / (ny - 1)
  if (z === undefined || z.nz === 1) {
    return Object.freeze({ nx, ny, nz: 1, lx, ly, lz: 0, dx, dy, dz: 0, periodicX, periodicY, periodicZ: false })
  }
  const { nz, lz, periodic: periodicZ } = z
  const dz = periodicZ ? lz / nz : lz / (nz - 1)
  return Object.freeze({ nx, ny, nz, lx, ly, lz, dx, dy, dz, periodicX, periodicY, periodicZ })
}

/** The grid has a z axis. */
export const is3d = (grid: Grid): boolean => grid.nz > 1

/** Nodes of a field (nx·ny·nz). */
export const nodeCountOf = (grid: Grid): number => grid.nx * grid.ny * grid.nz

/** Values in one padded row. */
export const strideOf = (grid: Grid): number => grid.nx + 2

/** Values in one padded plane ((ny + 2)·(nx + 2)). */
export const planeOf = (grid: Grid): number => (grid.nx + 2) * (grid.ny + 2)

/** Values in one band unit: a padded row in 2D, a padded plane in 3D. */
export const unitLengthOf = (grid: Grid): number => (is3d(grid) ? planeOf(grid) : strideOf(grid))

/** Node units along the slowest axis: ny rows in 2D, nz planes in 3D. */
export const unitCountOf = (grid: Grid): number => (is3d(grid) ? grid.nz : grid.ny)

/** Values in a padded field. */
export const paddedLengthOf = (grid: Grid): number => unitLengthOf(grid) * (unitCountOf(grid) + 2)

/** Padded index of node (i, j) (2D), or (i, j, k) (3D; k = 0 when left out). */
export const paddedIndex = (grid: Grid, i: number, j: number, k = 0): number =>
  is3d(grid) ? (k + 1) * planeOf(grid) + (j + 1) * (grid.nx + 2) + (i + 1) : (j + 1) * (grid.nx + 2) + (i + 1)

/** Index of node (i, j, k) in a user's unpadded array. */
export const nodeIndex = (grid: Grid, i: number, j: number, k = 0): number => (k * grid.ny + j) * grid.nx + i

/** Node (i, j, k) of unpadded index `n`. */
export function nodeOf(grid: Grid, n: number): [number, number, number] {
  const { nx, ny } = grid
  return [n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))]
}

/** Where node (i, j, k) sits, as text for messages: "node (i, j), x = …, y = …" (and k, z in 3D). */
export function nodeText(grid: Grid, i: number, j: number, k = 0): string {
  const [x, y, z] = [i * grid.dx, j * grid.dy, k * grid.dz]
  return is3d(grid) ? `node (${i}, ${j}, ${k}), x = ${x}, y = ${y}, z = ${z}` : `node (${i}, ${j}), x = ${x}, y = ${y}`
}

/**
 * Calls `visit(padded, n, j, k)` for every node row in order (k = 0 in 2D): `padded` and `n` are the
 * padded and unpadded indices of the row's first node. The one loop over a field's node rows.
 */
export function forEachRow(grid: Grid, visit: (padded: number, n: number, j: number, k: number) => void): void {
  for (let k = 0; k < grid.nz; k++) {
    for (let j = 0; j < grid.ny; j++) visit(paddedIndex(grid, 0, j, k), nodeIndex(grid, 0, j, k), j, k)
  }
}

/** Refuses a node outside the grid: `what(i, j)` (or `what(i, j, k)` in 3D) needs 0 <= i < nx, …. */
export function checkNode(grid: Grid, i: number, j: number, k: number, what: string): void {
  const inside = (v: number, n: number) => Number.isInteger(v) && v >= 0 && v < n
  if (inside(i, grid.nx) && inside(j, grid.ny) && inside(k, grid.nz)) return
  const [args, planes, got] = is3d(grid)
    ? ['i, j, k', `, 0 <= k < ${grid.nz}`, `(${i}, ${j}, ${k})`]
    : ['i, j', '', `(${i}, ${j})`]
  throw new RangeError(`${what}(${args}) needs a node 0 <= i < ${grid.nx}, 0 <= j < ${grid.ny}${planes}, got ${got}`)
}

/** The two grids wrap the same axes. */
export const samePeriodicAxes = (a: Grid, b: Grid): boolean =>
  a.periodicX === b.periodicX && a.periodicY === b.periodicY && a.periodicZ === b.periodicZ
