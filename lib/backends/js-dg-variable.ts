/**
 * The conservative operator's line solves of a Douglas–Gunn step (a varying α on a 3D grid), the twin of
 * crate/src/stencil/plane_lines_variable.rs. With h = dt/(2·spacing²) per axis and the face α of
 * model/faces.ts (α_w = east[c − 1], α_e = east[c], α_s = north[c − stride], α_n = north[c],
 * α_b = up[c − plane], α_f = up[c]), A_x u = h·(α_e(u_e − u) − α_w(u − u_w)) and likewise, and the three
 * stages of backends/lines3d.ts solve, on every line,
 *
 *   −lo·u[k−1] + (1 + (lo + hi))·u[k] − hi·u[k+1] = d[k],   lo = h·α_w, hi = h·α_e (along the line's axis),
 *
 * with the pivots computed as the sweep goes (pivot = diag − lo·up[k−1], up[k] = hi/pivot, kept in a
 * scratch line for the back sweep), as the 2D conservative solves do (js-lines-variable.ts). An end's
 * mirror ghost a·u_inside + b·u_boundary + c takes the ghost cell's own b and c. No axis is periodic here.
 */
import { mirroredCell } from '../model/boundary/rule.js'
import type { FaceViews } from '../model/faces.js'
import { fillGhostColumns, ghostUnits } from '../model/field.js'
import type { PlaneLines } from './js-dg.js'

/** A varying α's systems: the faces (with `up`) and the worker's scratch of modified upper coefficients. */
export interface VariablePlaneLines {
  readonly lines: PlaneLines
  readonly faces: FaceViews
  readonly up: Float64Array
}

/** Scratch values the sweeps need: one line of x, or a plane's y-lines, or a row's z-lines. */
export const variableScratchLength = (lines: PlaneLines): number =>
  Math.max(lines.stride, (lines.y.count + lines.z.count) * lines.stride)

/** uⁿ's bottom and top ghost rows of the plane at `base`, each cell with its own b and c. */
export function planeGhostRowsVariable(v: VariablePlaneLines, src: Float64Array, base: number) {
  const { spec, x, stride } = v.lines
  const { b, c } = v.faces.cells
  for (const g of ghostUnits(spec.ny, spec.bottom, spec.top)) {
    for (let i = x.first + 1; i <= x.first + x.count; i++) {
      const [t, n, o] = [base + g.target * stride + i, base + g.inside * stride + i, base + g.boundary * stride + i]
      src[t] = mirroredCell(g.rule, b[t], c[t], src[n], src[o])
    }
  }
}

/** uⁿ⁺¹'s ghost columns of node rows [start, end) in the evolving planes, then its ghost planes' cells. */
export function rowsHaloVariable(v: VariablePlaneLines, out: Float64Array, start: number, end: number) {
  const { spec, x, z, stride, plane } = v.lines
  const { cells } = v.faces
  for (let k = z.first + 1; k <= z.first + z.count; k++) {
    for (let j = start + 1; j <= end; j++) {
      fillGhostColumns(out, k * plane + j * stride, spec.nx, spec.left, spec.right, cells)
    }
  }
  for (const g of ghostUnits(spec.nz, spec.back, spec.front)) {
    for (let j = start + 1; j <= end; j++) {
      for (let i = j * stride + x.first + 1; i <= j * stride + x.first + x.count; i++) {
        const t = g.target * plane + i
        out[t] = mirroredCell(g.rule, cells.b[t], cells.c[t], out[g.inside * plane + i], out[g.boundary * plane + i])
      }
    }
  }
}

/** The x-line of the padded row at `base`: u* into dst from uⁿ (src) and weight·f. */
export function solveXRowVariable(
  v: VariablePlaneLines,
  src: Float64Array,
  dst: Float64Array,
  f: Float64Array | null,
  weight: number,
  base: number,
) {
  const { lines, faces, up } = v
  const { x, y, z, stride, plane, spec } = lines
  const [{ east, north, cells }, front] = [faces, faces.up!]
  const [h, m, c0] = [x.half, x.count, base + x.first + 1]
  let prev = 0
  for (let k = 0; k < m; k++) {
    const c = c0 + k
    const u = src[c]
    let d =
      u +
      h * (east[c] * (src[c + 1] - u) - east[c - 1] * (u - src[c - 1])) +
      y.twice * (north[c] * (src[c + stride] - u) - north[c - stride] * (u - src[c - stride])) +
      z.twice * (front[c] * (src[c + plane] - u) - front[c - plane] * (u - src[c - plane]))
    if (f !== null) d = d + weight * f[c]
    const [lo, hi] = [h * east[c - 1], h * east[c]]
    let [low, diag, upper] = [lo, 1 + (lo + hi), hi]
    if (k === 0 && x.low.fixed) d = d + lo * dst[c - 1]
    else if (k === 0) [diag, upper, d] = [diag - lo * cells.b[c - 1], upper + lo * spec.left.a, d + lo * cells.c[c - 1]]
    if (k === m - 1 && x.high.fixed) d = d + hi * dst[c + 1]
    else if (k === m - 1)
      [diag, low, d] = [diag - hi * cells.b[c + 1], low + hi * spec.right.a, d + hi * cells.c[c + 1]]
    const inv = 1 / (k === 0 ? diag : diag - low * up[k - 1])
    up[k] = upper * inv
    prev = (k === 0 ? d : d + low * prev) * inv
    dst[c] = prev
  }
  for (let k = m - 2; k >= 0; k--) dst[c0 + k] = dst[c0 + k] + up[k] * dst[c0 + k + 1]
}

/** Which axis a block of lines runs along: y (rows of a plane) or z (planes). */
type Along = 'y' | 'z'

/** The y-lines of a plane, or the z-lines of a row: `width` lines from padded index `first`. */
export function solveBlockVariable(
  v: VariablePlaneLines,
  along: Along,
  src: Float64Array,
  out: Float64Array,
  first: number,
  width: number,
) {
  const { lines, faces, up } = v
  const { spec, cells } = { spec: lines.spec, cells: faces.cells }
  const [axis, step, face] = along === 'y' ? [lines.y, lines.stride, faces.north] : [lines.z, lines.plane, faces.up!]
  const [lowA, highA] = along === 'y' ? [spec.bottom.a, spec.top.a] : [spec.back.a, spec.front.a]
  const [h, m] = [axis.half, axis.count]
  for (let k = 0; k < m; k++) {
    for (let n = 0; n < width; n++) {
      const c = first + k * step + n
      const u = src[c]
      let d = out[c] - h * (face[c] * (src[c + step] - u) - face[c - step] * (u - src[c - step]))
      const [lo, hi] = [h * face[c - step], h * face[c]]
      let [low, diag, upper] = [lo, 1 + (lo + hi), hi]
      if (k === 0 && axis.low.fixed) d = d + lo * out[c - step]
      else if (k === 0)
        [diag, upper, d] = [diag - lo * cells.b[c - step], upper + lo * lowA, d + lo * cells.c[c - step]]
      if (k === m - 1 && axis.high.fixed) d = d + hi * out[c + step]
      else if (k === m - 1)
        [diag, low, d] = [diag - hi * cells.b[c + step], low + hi * highA, d + hi * cells.c[c + step]]
      const inv = 1 / (k === 0 ? diag : diag - low * up[(k - 1) * width + n])
      up[k * width + n] = upper * inv
      out[c] = (k === 0 ? d : d + low * out[c - step]) * inv
    }
  }
  for (let k = m - 2; k >= 0; k--) {
    for (let n = 0; n < width; n++) {
      const c = first + k * step + n
      out[c] = out[c] + up[k * width + n] * out[c + step]
    }
  }
}
