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
import { type AnySideName, type GhostRules, type Sides, sideNodes, type SideName } from './boundary/index.js'
import { type GhostCells, mirroredCell } from './boundary/rule.js'
import { faces3d, ghostCoefficients3d, intoCells, mirrorCells3d, type PutCell } from './faces3d.js'

export { intoCells, type PutCell } from './faces3d.js'
import { type Grid, is3d, paddedLengthOf, strideOf } from './grid.js'
import { adviseHugePages } from './pages.js'

/** The four arrays of a faces buffer (or of a band's slice of one); a 3D grid's fifth, `up` (see faces3d.ts). */
export interface FaceViews {
  readonly east: Float64Array
  readonly north: Float64Array
  readonly cells: GhostCells
  readonly up?: Float64Array
}

/** 2ab/(a + b), written a·(2b/(a + b)) so that equal nodes give their own α exactly. */
export const harmonicMean = (a: number, b: number): number => a * ((2 * b) / (a + b))

/**
 * The views of a faces buffer of four padded fields of `length` values each (five on a 3D grid), or of
 * `from`…`to` of each.
 */
export function faceViews(all: Float64Array, length: number, from = 0, to = length): FaceViews {
  const part = (k: number) => all.subarray(k * length + from, k * length + to)
  const plane = { east: part(0), north: part(1), cells: { b: part(2), c: part(3) } }
  return all.length >= 5 * length ? { ...plane, up: part(4) } : plane
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

/**
 * A side's ghost cells (padded index), the α their rule takes, their boundary node's position, and the
 * spacing across the side (z only on a 3D grid).
 */
export function mirrorCells(
  grid: Grid,
  side: AnySideName,
  faces: FaceViews | number,
): { spacing: number; cells: { cell: number; alpha: number; x: number; y: number; z?: number }[] } {
  const spacing =
    side === 'left' || side === 'right' ? grid.dx : side === 'bottom' || side === 'top' ? grid.dy : grid.dz
  if (is3d(grid)) return { spacing, cells: mirrorCells3d(grid, side, faces) }
  return { spacing, cells: ghostCellsOf(grid, side as SideName, faces) }
}

/** Each side's ghost cells (padded index), the face whose α its rule takes, and its boundary node's position. */
function ghostCellsOf(grid: Grid, side: SideName, faces: FaceViews | number) {
  const { nx, ny } = grid
  const stride = strideOf(grid)
  // A constant α (a number) is every face's.
  const [east, north] =
    typeof faces === 'number'
      ? [() => faces, () => faces]
      : [(p: number) => faces.east[p], (p: number) => faces.north[p]]
  return sideNodes(grid, side).map(({ i, j, x, y }) => {
    const row = (j + 1) * stride
    if (side === 'left') return { cell: row, alpha: east(row), x, y }
    if (side === 'right') return { cell: row + nx + 1, alpha: east(row + nx), x, y }
    if (side === 'bottom') return { cell: i + 1, alpha: north(i + 1), x, y }
    return { cell: (ny + 1) * stride + i + 1, alpha: north(ny * stride + i + 1), x, y }
  })
}

/**
 * Writes every mirror side's per-cell ghost coefficients for the state at time t (`onlyVarying`: only
 * the sides whose data are functions, the ones that change with t; `names`: only these sides).
 */
export function ghostCoefficients(
  grid: Grid,
  sides: Sides,
  faces: FaceViews,
  t: number,
  onlyVarying = false,
  names: readonly SideName[] = ['left', 'right', 'bottom', 'top'],
  put: PutCell = intoCells(faces),
): void {
  if (is3d(grid)) return ghostCoefficients3d(grid, sides, faces, t, onlyVarying, put)
  for (const side of names) {
    if (onlyVarying && sides[side].varying !== true) continue
    const spacing = side === 'left' || side === 'right' ? grid.dx : grid.dy
    for (const { cell, alpha, x, y } of ghostCellsOf(grid, side, faces)) {
      const rule = sides[side].ghost(spacing, alpha, `options.boundary.${side}`, { x, y, t })
      if (rule.kind !== 'mirror') break
      put(side, cell, rule.b, rule.c)
    }
  }
}

/**
 * Faces are needed for a varying α, and under Crank–Nicolson for mirror sides whose data vary (their ghosts
 * then vary per cell). Explicit steps take those from the side ring (model/side-ring.ts) instead.
 */
export function needsFaces(
  diffusivityField: Float64Array | null,
  sides: Sides,
  method: 'explicit' | 'crank-nicolson',
): boolean {
  if (diffusivityField !== null) return true
  return method !== 'explicit' && Object.values(sides).some((s) => s.varying === true && !s.fixed)
}

/**
 * Recomputes the ghost cells of the mirror sides whose data vary, in a padded `field` whose halo was
 * filled with their rules as a whole (model/field.ts fillHalo), for the state at time t: each cell with its
 * own coefficients, α from `faces` (or a constant α), as the kernels make them.
 */
export function refreshVaryingGhosts(
  grid: Grid,
  sides: Sides,
  ghosts: GhostRules,
  field: Float64Array,
  faces: FaceViews | number,
  t: number,
): void {
  const [s, p] = [strideOf(grid), (grid.nx + 2) * (grid.ny + 2)]
  const step: Record<AnySideName, number> = { left: 1, right: -1, bottom: s, top: -s, back: p, front: -p }
  for (const name of Object.keys(step) as AnySideName[]) {
    const side = sides[name]
    if (side === undefined || side.fixed || side.varying !== true) continue
    const { spacing, cells } = mirrorCells(grid, name, faces)
    const [rule, d] = [ghosts[name]!, step[name]]
    for (const { cell, alpha, x, y, z } of cells) {
      const own = side.ghost(spacing, alpha, `options.boundary.${name}`, { x, y, z, t })
      field[cell] = mirroredCell(rule, own.b, own.c, field[cell + 2 * d], field[cell + d])
    }
  }
}

/** The faces buffer of nodal diffusivity `alpha` (unpadded values) on a new SharedArrayBuffer, ghosts at time t. */
export function computeFaces(grid: Grid, sides: Sides, alpha: Float64Array, t = 0): Float64Array {
  const length = paddedLengthOf(grid)
  const arrays = is3d(grid) ? 5 : 4
  const all = new Float64Array(new SharedArrayBuffer(arrays * length * Float64Array.BYTES_PER_ELEMENT))
  const faces = faceViews(all, length)
  // Huge pages for the face arrays, written whole below; not for the ghost coefficients, of which only
  // the halo cells are written: on huge pages they would become resident whole.
  for (const view of [faces.east, faces.north, faces.up]) if (view !== undefined) adviseHugePages(view)
  if (is3d(grid)) {
    faces3d(grid, sides, alpha, faces)
    ghostCoefficients3d(grid, sides, faces, t)
    return all
  }
  eastFaces(grid, sides, alpha, faces.east)
  northFaces(grid, sides, alpha, faces.north)
  ghostCoefficients(grid, sides, faces, t)
  return all
}
