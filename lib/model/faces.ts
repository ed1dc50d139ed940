/**
 * A variable diffusivity, precomputed once per run for the conservative stencil
 *
 *   u′ = u + dt/dx²·(α_e(u_e − u) − α_w(u − u_w)) + dt/dy²·(α_n(u_n − u) − α_s(u − u_s)) [+ dt·f]
 *
 * as four halo-padded arrays on one SharedArrayBuffer, in this order:
 * - `east[p]`: the α of the face between padded cells p and p + 1, the harmonic mean of the two nodes
 *   (so that layers in series add their resistances); a node's west face is its west neighbour's east face;
 * - `north[p]`: the face between p and p + stride; a node's south face is the north face of the node below;
 * - `ghostB[p]`, `ghostC[p]`: the mirror coefficients of ghost cell p (halo cells only; see below).
 *
 * The faces to the ghost cells: on a periodic axis, the face between the last and the first node; on any
 * other side, the mirror image of the face just inside (the ghost node mirrors the node inside, and so
 * does its α). A Neumann or Robin ghost divides by α; it takes the α of that boundary node's face (the
 * harmonic mean of the boundary node and the node inside it), which makes the boundary node's update
 * the exact flux balance of its half cell. That α varies along the side, so each ghost cell carries its
 * own b and c (the side's rule gives `a` and whether the boundary node is read).
 */
import type { Sides, SideName } from './boundary/index.js'
import type { GhostCells } from './boundary/rule.js'
import { type Grid, paddedLengthOf, strideOf } from './grid.js'

/** The four arrays of a faces buffer (or of a band's slice of one). */
export interface FaceViews {
  readonly east: Float64Array
  readonly north: Float64Array
  readonly cells: GhostCells
}

/** 2ab/(a + b), written a·(2b/(a + b)) so that equal nodes give their own α exactly. */
export const harmonicMean = (a: number, b: number): number => a * ((2 * b) / (a + b))

/** The views of a faces buffer of four padded fields of `length` values each, or of `from`…`to` of each. */
export function faceViews(all: Float64Array, length: number, from = 0, to = length): FaceViews {
  const part = (k: number) => all.subarray(k * length + from, k * length + to)
  return { east: part(0), north: part(1), cells: { b: part(2), c: part(3) } }
}

function eastFaces(grid: Grid, sides: Sides, alpha: Float64Array, east: Float64Array): void {
  const { nx, ny } = grid
  const stride = strideOf(grid)
  for (let j = 0; j < ny; j++) {
    const [row, node] = [(j + 1) * stride, j * nx]
    for (let q = 1; q < nx; q++) east[row + q] = harmonicMean(alpha[node + q - 1], alpha[node + q])
    const wrap = harmonicMean(alpha[node + nx - 1], alpha[node])
    east[row] = sides.left.wraps ? wrap : east[row + 1]
    east[row + nx] = sides.right.wraps ? wrap : east[row + nx - 1]
  }
}

function northFaces(grid: Grid, sides: Sides, alpha: Float64Array, north: Float64Array): void {
  const { nx, ny } = grid
  const stride = strideOf(grid)
  for (let i = 0; i < nx; i++) {
    for (let r = 1; r < ny; r++) north[r * stride + i + 1] = harmonicMean(alpha[(r - 1) * nx + i], alpha[r * nx + i])
    const wrap = harmonicMean(alpha[(ny - 1) * nx + i], alpha[i])
    north[i + 1] = sides.bottom.wraps ? wrap : north[stride + i + 1]
    north[ny * stride + i + 1] = sides.top.wraps ? wrap : north[(ny - 1) * stride + i + 1]
  }
}

/** Each side's ghost cells (padded index) with the face whose α its rule takes. */
function ghostCellsOf(grid: Grid, side: SideName, faces: FaceViews): { cell: number; alpha: number }[] {
  const { nx, ny } = grid
  const stride = strideOf(grid)
  const along = side === 'left' || side === 'right' ? ny : nx
  return Array.from({ length: along }, (_, k) => {
    if (side === 'left') return { cell: (k + 1) * stride, alpha: faces.east[(k + 1) * stride] }
    if (side === 'right') return { cell: (k + 1) * stride + nx + 1, alpha: faces.east[(k + 1) * stride + nx] }
    if (side === 'bottom') return { cell: k + 1, alpha: faces.north[k + 1] }
    return { cell: (ny + 1) * stride + k + 1, alpha: faces.north[ny * stride + k + 1] }
  })
}

function ghostCoefficients(grid: Grid, sides: Sides, faces: FaceViews): void {
  for (const side of ['left', 'right', 'bottom', 'top'] as const) {
    const spacing = side === 'left' || side === 'right' ? grid.dx : grid.dy
    for (const { cell, alpha } of ghostCellsOf(grid, side, faces)) {
      const rule = sides[side].ghost(spacing, alpha, `options.boundary.${side}`)
      if (rule.kind !== 'mirror') break
      faces.cells.b[cell] = rule.b
      faces.cells.c[cell] = rule.c
    }
  }
}

/** The faces buffer of nodal diffusivity `alpha` (nx·ny values) on a new SharedArrayBuffer. */
export function computeFaces(grid: Grid, sides: Sides, alpha: Float64Array): Float64Array {
  const length = paddedLengthOf(grid)
  const all = new Float64Array(new SharedArrayBuffer(4 * length * Float64Array.BYTES_PER_ELEMENT))
  const faces = faceViews(all, length)
  eastFaces(grid, sides, alpha, faces.east)
  northFaces(grid, sides, alpha, faces.north)
  ghostCoefficients(grid, sides, faces)
  return all
}
