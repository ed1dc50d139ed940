/**
 * Grid geometry and the halo-padded index arithmetic of its fields.
 *
 * Node (i, j), i = 0…nx−1 along x and j = 0…ny−1 along y, sits at x = i·dx, y = j·dy. Fields are stored
 * with a one-cell halo: (ny + 2) rows of (nx + 2) values, node (i, j) at padded index
 * (j + 1)·(nx + 2) + (i + 1). Bands of workers always cut the slowest axis (rows).
 */

/** A validated grid: node counts, extents, spacing, and which axes wrap. */
export interface Grid {
  readonly nx: number
  readonly ny: number
  readonly lx: number
  readonly ly: number
  readonly dx: number
  readonly dy: number
  readonly periodicX: boolean
  readonly periodicY: boolean
}

/** Builds the geometry; a periodic axis has spacing l/n (node n−1 is followed by node 0), others l/(n−1). */
export function makeGrid(nx: number, ny: number, lx: number, ly: number, periodicX: boolean, periodicY: boolean): Grid {
  const dx = periodicX ? lx / nx : lx / (nx - 1)
  const dy = periodicY ? ly / ny : ly / (ny - 1)
  return Object.freeze({ nx, ny, lx, ly, dx, dy, periodicX, periodicY })
}

/** Nodes of a field (nx·ny). */
export const nodeCountOf = (grid: Grid): number => grid.nx * grid.ny

/** Values in one padded row. */
export const strideOf = (grid: Grid): number => grid.nx + 2

/** Values in a padded field. */
export const paddedLengthOf = (grid: Grid): number => (grid.nx + 2) * (grid.ny + 2)

/** Padded index of node (i, j). */
export const paddedIndex = (grid: Grid, i: number, j: number): number => (j + 1) * (grid.nx + 2) + (i + 1)
