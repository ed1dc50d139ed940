/**
 * Grid geometry and the halo-padded storage of a field.
 *
 * Node (i, j), i = 0…nx−1 along x and j = 0…ny−1 along y, sits at x = i·dx, y = j·dy. The solver
 * stores fields with a one-cell halo: (ny + 2) rows of (nx + 2) values, node (i, j) at padded index
 * (j + 1)·(nx + 2) + (i + 1). The halo holds ghost values for Neumann and periodic sides.
 */

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

/** Values in one padded row. */
export const strideOf = (grid: Grid): number => grid.nx + 2

/** Values in a padded field. */
export const paddedLengthOf = (grid: Grid): number => (grid.nx + 2) * (grid.ny + 2)

/** Padded index of node (i, j). */
export const paddedIndex = (grid: Grid, i: number, j: number): number => (j + 1) * (grid.nx + 2) + (i + 1)

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
