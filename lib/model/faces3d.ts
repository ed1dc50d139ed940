/**
 * A variable diffusivity on a 3D grid: the faces buffer of model/faces.ts with a fifth array, `up[p]`,
 * the α of the face between padded cells p and p + plane (the harmonic mean of the two nodes), after the
 * four of the plane (east, north, ghost b, ghost c), so that 2D's layout is a prefix of 3D's. The faces
 * to the ghost cells are mirrored (or wrapped on a periodic axis) as in 2D, per plane for x and y and
 * per column for z, and every mirror side's ghost cell carries its own b and c, computed with the α of
 * its boundary node's face (side data given as functions are evaluated at the boundary node's (x, y, z)).
 */
import { type AnySideName, kSideNames3d, type SideNode, type Sides, sideNodes } from './boundary/index.js'
import type { GhostCells } from './boundary/rule.js'
import { type Grid, planeOf, strideOf } from './grid.js'

/** The arrays of a 3D faces buffer (faces.ts's FaceViews, whose `up` is then present). */
interface Faces3d {
  readonly east: Float64Array
  readonly north: Float64Array
  readonly cells: GhostCells
  readonly up?: Float64Array
}

/** 2ab/(a + b), as model/faces.ts writes it. */
const harmonic = (a: number, b: number): number => a * ((2 * b) / (a + b))

/** The α of faces along one line of n nodes: node m at alpha[node(m)], face m between nodes m − 1 and m. */
function lineFaces(n: number, wraps: [boolean, boolean], node: (m: number) => number, alpha: Float64Array) {
  const inner = (m: number) => harmonic(alpha[node(m - 1)], alpha[node(m)])
  const wrap = harmonic(alpha[node(n - 1)], alpha[node(0)])
  return { inner, first: wraps[0] ? wrap : inner(1), last: wraps[1] ? wrap : inner(n - 1) }
}

/** Fills east, north and up, with the halo faces mirrored or wrapped. */
export function faces3d(grid: Grid, sides: Sides, alpha: Float64Array, faces: Faces3d): void {
  const { nx, ny, nz } = grid
  const [S, P] = [strideOf(grid), planeOf(grid)]
  const up = faces.up!
  const at = (i: number, j: number, k: number) => (k * ny + j) * nx + i
  const cell = (i: number, j: number, k: number) => (k + 1) * P + (j + 1) * S + i + 1
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) {
      const f = lineFaces(nx, [sides.left.wraps, sides.right.wraps], (m) => at(m, j, k), alpha)
      for (let q = 1; q < nx; q++) faces.east[cell(q - 1, j, k)] = f.inner(q)
      ;[faces.east[cell(-1, j, k)], faces.east[cell(nx - 1, j, k)]] = [f.first, f.last]
    }
  for (let k = 0; k < nz; k++)
    for (let i = 0; i < nx; i++) {
      const f = lineFaces(ny, [sides.bottom.wraps, sides.top.wraps], (m) => at(i, m, k), alpha)
      for (let q = 1; q < ny; q++) faces.north[cell(i, q - 1, k)] = f.inner(q)
      ;[faces.north[cell(i, -1, k)], faces.north[cell(i, ny - 1, k)]] = [f.first, f.last]
    }
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const f = lineFaces(nz, [sides.back!.wraps, sides.front!.wraps], (m) => at(i, j, m), alpha)
      for (let q = 1; q < nz; q++) up[cell(i, j, q - 1)] = f.inner(q)
      ;[up[cell(i, j, -1)], up[cell(i, j, nz - 1)]] = [f.first, f.last]
    }
}

/** A side's ghost cells: the ghost's padded index, that of the face its rule takes, and its boundary node. */
function ghostCells(grid: Grid, side: AnySideName): { ghost: number; face: number; node: SideNode }[] {
  const { nx, ny, nz } = grid
  const [S, P] = [strideOf(grid), planeOf(grid)]
  const cell = (i: number, j: number, k: number) => (k + 1) * P + (j + 1) * S + i + 1
  return sideNodes(grid, side).map((node) => {
    const { i, j, k } = node
    if (side === 'left') return { ghost: cell(-1, j, k), face: cell(-1, j, k), node }
    if (side === 'right') return { ghost: cell(nx, j, k), face: cell(nx - 1, j, k), node }
    if (side === 'bottom') return { ghost: cell(i, -1, k), face: cell(i, -1, k), node }
    if (side === 'top') return { ghost: cell(i, ny, k), face: cell(i, ny - 1, k), node }
    if (side === 'back') return { ghost: cell(i, j, -1), face: cell(i, j, -1), node }
    return { ghost: cell(i, j, nz), face: cell(i, j, nz - 1), node }
  })
}

/** The face array whose α each side's ghost cells take, and the node spacing across the side. */
function faceOf(grid: Grid, faces: Faces3d, name: AnySideName): [Float64Array, number] {
  if (name === 'left' || name === 'right') return [faces.east, grid.dx]
  return name === 'bottom' || name === 'top' ? [faces.north, grid.dy] : [faces.up!, grid.dz]
}

/** A side's ghost cells (padded index), the α their rule takes and their boundary node's position. */
export function mirrorCells3d(grid: Grid, name: AnySideName, faces: Faces3d | number) {
  const alpha = typeof faces === 'number' ? () => faces : (f: number) => faceOf(grid, faces, name)[0][f]
  return ghostCells(grid, name).map(({ ghost, face: f, node }) => ({ cell: ghost, alpha: alpha(f), ...node }))
}

/** Where a ghost cell's coefficients go: the side, the cell's padded index, b and c. */
export type PutCell = (side: AnySideName, cell: number, b: number, c: number) => void

/** Into the faces buffer's own ghost cells. */
export const intoCells =
  (faces: { readonly cells: GhostCells }): PutCell =>
  (_, cell, b, c) => {
    faces.cells.b[cell] = b
    faces.cells.c[cell] = c
  }

/**
 * Every mirror side's per-cell ghost coefficients (b, c) for the state at time t, each with the α of its
 * boundary node's face (`onlyVarying`: only the sides whose data are functions of (x, y, z, t)).
 */
export function ghostCoefficients3d(
  grid: Grid,
  sides: Sides,
  faces: Faces3d,
  t: number,
  onlyVarying = false,
  put: PutCell = intoCells(faces),
): void {
  for (const name of kSideNames3d) {
    const side = sides[name]!
    if (onlyVarying && side.varying !== true) continue
    const spacing = faceOf(grid, faces, name)[1]
    for (const { cell, alpha, x, y, z } of mirrorCells3d(grid, name, faces)) {
      const rule = side.ghost(spacing, alpha, `options.boundary.${name}`, { x, y, z, t })
      if (rule.kind !== 'mirror') break
      put(name, cell, rule.b, rule.c)
    }
  }
}
