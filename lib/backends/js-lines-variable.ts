/**
 * The pure-TypeScript line solves of a Peaceman–Rachford step for the conservative operator, the twin
 * of crate/src/stencil/lines_variable.rs (same arithmetic, same order, same bits). With hx = dt/(2dx²),
 * hy = dt/(2dy²) and the face α of model/faces.ts (α_w = east[c − 1], α_e = east[c], α_s = north[c − stride],
 * α_n = north[c]), the x-line of a row solves
 *
 *   −lo·u[k−1] + (1 + (lo + hi))·u[k] − hi·u[k+1] = d[k],   lo = hx·α_w, hi = hx·α_e,
 *   d[k] = u + hy·(α_n·(u_n − u) − α_s·(u − u_s)) [+ w·f],
 *
 * and the y-lines likewise with the axes exchanged. Every line has its own matrix, so the Thomas
 * algorithm computes its pivots on the fly (pivot = diag − lo·up[k−1], up[k] = hi/pivot, the modified
 * upper coefficients kept in a scratch line for the back sweep) instead of storing factors per line:
 * the same memory traffic as reading stored factors, none of their memory, and nothing to refactor when
 * dt changes (a steady run changes it every step). An end's ghost a·u_inside + b·u_boundary + c takes
 * the cell's own b and c (faces' ghost cells); a periodic axis solves by Sherman–Morrison with
 * γ = −(the first diagonal), the correction's vector z swept beside the line.
 */
import { mirroredCell } from '../model/boundary/rule.js'
import type { FaceViews } from '../model/faces.js'
import { fillGhostColumns } from '../model/field.js'
import type { LineSpec } from './lines.js'

/** Columns of y-lines solved together (the scratch holds two values per unknown of a strip). */
export const kStripWidth = 64

/** One row of a line's system: −low·u[k−1] + diag·u[k] − upper·u[k+1] = d (reused, nothing is allocated per node). */
interface Row {
  low: number
  diag: number
  upper: number
  d: number
}

/** A step's conservative line systems over the shared faces, with the worker's scratch. */
export interface VariableLines {
  readonly spec: LineSpec
  readonly faces: FaceViews
  /** The modified upper coefficients of a line (or of a strip's lines, unknown-major). */
  readonly up: Float64Array
  /** Sherman–Morrison's z, laid out like `up`. */
  readonly zz: Float64Array
  /** Per strip column: the first diagonal, then the wrap face's coupling (periodic y). */
  readonly ends: Float64Array
  readonly row: Row
}

/** Scratch values a worker needs for the systems of `spec`. */
export const scratchLength = (spec: LineSpec): number => Math.max(spec.nx + 2, spec.y.count * kStripWidth)

/** The systems of `spec` over `faces`, with scratch `up` and `zz` (scratchLength values each) and `ends`. */
export function variableLinesOf(
  spec: LineSpec,
  faces: FaceViews,
  scratch: { up: Float64Array; zz: Float64Array; ends: Float64Array },
): VariableLines {
  return { spec, faces, ...scratch, row: { low: 0, diag: 0, upper: 0, d: 0 } }
}

/** The first unknown's mirror ghost a·u[1] + b·u[0] + c folded in (lo couples the row to the ghost). */
function lowMirror(row: Row, lo: number, a: number, b: number, c: number): void {
  row.diag = row.diag - lo * b
  row.upper = row.upper + lo * a
  row.d = row.d + lo * c
}

/** The last unknown's mirror ghost a·u[m−2] + b·u[m−1] + c folded in (hi couples the row to the ghost). */
function highMirror(row: Row, hi: number, a: number, b: number, c: number): void {
  row.diag = row.diag - hi * b
  row.low = row.low + hi * a
  row.d = row.d + hi * c
}

/** Sets `row` to the interior row with couplings lo and hi and right-hand side d. */
function interior(row: Row, lo: number, hi: number, d: number): Row {
  row.low = lo
  row.diag = 1 + (lo + hi)
  row.upper = hi
  row.d = d
  return row
}

/**
 * The x-line of the padded row starting at `base`: u* into dst from uⁿ in src (`weight` the source's,
 * dt/2 or dt/2·g(t)), then u*'s ghost columns.
 */
export function solveRowVariable(
  lines: VariableLines,
  src: Float64Array,
  dst: Float64Array,
  f: Float64Array | null,
  weight: number,
  base: number,
): void {
  const { spec, faces, up, zz, row } = lines
  const { east, north, cells } = faces
  const { x, left, right, nx } = spec
  const [hx, hy, m, stride, wraps] = [x.half, spec.y.half, x.count, nx + 2, left.kind === 'wrap']
  const c0 = base + x.first + 1
  let [d0, lo0, prev, prevZ] = [0, 0, 0, 0]
  for (let k = 0; k < m; k++) {
    const c = c0 + k
    const u = src[c]
    let d = u + hy * (north[c] * (src[c + stride] - u) - north[c - stride] * (u - src[c - stride]))
    if (f !== null) d = d + weight * f[c]
    const [lo, hi] = [hx * east[c - 1], hx * east[c]]
    interior(row, lo, hi, d)
    if (k === 0) {
      if (x.low.fixed) row.d = row.d + lo * dst[c - 1]
      else if (wraps) [d0, lo0, row.diag] = [row.diag, lo, row.diag + row.diag]
      else lowMirror(row, lo, left.a, cells.b[base], cells.c[base])
    }
    if (k === m - 1) {
      if (x.high.fixed) row.d = row.d + hi * dst[c + 1]
      else if (wraps) row.diag = row.diag + (hi * lo0) / d0
      else highMirror(row, hi, right.a, cells.b[base + nx + 1], cells.c[base + nx + 1])
    }
    const inv = 1 / (k === 0 ? row.diag : row.diag - row.low * up[k - 1])
    up[k] = row.upper * inv
    prev = (k === 0 ? row.d : row.d + row.low * prev) * inv
    dst[c] = prev
    if (wraps) prevZ = zz[k] = ((k === 0 ? -d0 : k === m - 1 ? -hi : 0) + (k === 0 ? 0 : row.low * prevZ)) * inv
  }
  backRow(lines, dst, c0, wraps, lo0 / d0)
  fillGhostColumns(dst, base, nx, left, right, cells)
}

/** The back sweep of an x-line from c0 and, on a periodic axis, Sherman–Morrison's correction (q = lo₀/d₀). */
function backRow(lines: VariableLines, dst: Float64Array, c0: number, wraps: boolean, q: number): void {
  const { up, zz } = lines
  const m = lines.spec.x.count
  for (let k = m - 2; k >= 0; k--) dst[c0 + k] = dst[c0 + k] + up[k] * dst[c0 + k + 1]
  if (!wraps) return
  for (let k = m - 2; k >= 0; k--) zz[k] = zz[k] + up[k] * zz[k + 1]
  const scale = 1 / (1 + zz[0] + q * zz[m - 1])
  const g = (dst[c0] + q * dst[c0 + m - 1]) * scale
  for (let k = 0; k < m; k++) dst[c0 + k] = dst[c0 + k] - g * zz[k]
}

/** Sets `row` to the y-line row of cell c at unknown k (strip column n), its ends folded in. */
function columnRow(lines: VariableLines, out: Float64Array, c: number, k: number, n: number, d: number): Row {
  const { spec, faces, ends, row } = lines
  const { north, cells } = faces
  const { y, bottom, top } = spec
  const [stride, w] = [spec.nx + 2, kStripWidth]
  const [lo, hi] = [y.half * north[c - stride], y.half * north[c]]
  interior(row, lo, hi, d)
  if (k === 0) {
    if (y.low.fixed) row.d = row.d + lo * out[c - stride]
    else if (bottom.kind === 'wrap') [ends[n], ends[w + n], row.diag] = [row.diag, lo, row.diag + row.diag]
    else lowMirror(row, lo, bottom.a, cells.b[c - stride], cells.c[c - stride])
  }
  if (k === y.count - 1) {
    if (y.high.fixed) row.d = row.d + hi * out[c + stride]
    else if (bottom.kind === 'wrap') row.diag = row.diag + (hi * ends[w + n]) / ends[n]
    else highMirror(row, hi, top.a, cells.b[c + stride], cells.c[c + stride])
  }
  return row
}

/** Forward sweep of the y-lines of padded columns start + 1…end (end − start ≤ kStripWidth). */
function forwardStrip(
  lines: VariableLines,
  mid: Float64Array,
  out: Float64Array,
  f: Float64Array | null,
  weight: number,
  start: number,
  end: number,
) {
  const { spec, up, zz, ends } = lines
  const { east } = lines.faces
  const [m, stride, w, hx] = [spec.y.count, spec.nx + 2, end - start, spec.x.half]
  const wraps = spec.bottom.kind === 'wrap'
  for (let k = 0; k < m; k++) {
    const base = (spec.y.first + 1 + k) * stride + start + 1
    for (let n = 0; n < w; n++) {
      const c = base + n
      const v = mid[c]
      let d = v + hx * (east[c] * (mid[c + 1] - v) - east[c - 1] * (v - mid[c - 1]))
      if (f !== null) d = d + weight * f[c]
      const r = columnRow(lines, out, c, k, n, d)
      const s = k * w + n
      const inv = 1 / (k === 0 ? r.diag : r.diag - r.low * up[s - w])
      up[s] = r.upper * inv
      out[c] = (k === 0 ? r.d : r.d + r.low * out[c - stride]) * inv
      if (!wraps) continue
      const rhs = k === 0 ? -ends[n] : k === m - 1 ? -(spec.y.half * lines.faces.north[c]) : 0
      zz[s] = (rhs + (k === 0 ? 0 : r.low * zz[s - w])) * inv
    }
  }
}

/** Back sweep and, on a periodic axis, Sherman–Morrison's correction of the strip's y-lines. */
function backStrip(lines: VariableLines, out: Float64Array, start: number, end: number): void {
  const { spec, up, zz, ends } = lines
  const [m, stride, w] = [spec.y.count, spec.nx + 2, end - start]
  const r0 = (spec.y.first + 1) * stride + start + 1
  for (let k = m - 2; k >= 0; k--) {
    for (let n = 0; n < w; n++)
      out[r0 + k * stride + n] = out[r0 + k * stride + n] + up[k * w + n] * out[r0 + (k + 1) * stride + n]
  }
  if (spec.bottom.kind !== 'wrap') return
  for (let k = m - 2; k >= 0; k--) {
    for (let n = 0; n < w; n++) zz[k * w + n] = zz[k * w + n] + up[k * w + n] * zz[(k + 1) * w + n]
  }
  for (let n = 0; n < w; n++) {
    const q = ends[kStripWidth + n] / ends[n]
    const scale = 1 / (1 + zz[n] + q * zz[(m - 1) * w + n])
    const g = (out[r0 + n] + q * out[r0 + (m - 1) * stride + n]) * scale
    for (let k = 0; k < m; k++) out[r0 + k * stride + n] = out[r0 + k * stride + n] - g * zz[k * w + n]
  }
}

/** One side's ghost cells over padded columns start + 1…end: a mirror with each cell's b and c, or a wrap. */
function ghostCells(lines: VariableLines, out: Float64Array, side: 'bottom' | 'top', start: number, end: number) {
  const { spec, faces } = lines
  const [ny, stride, rule] = [spec.ny, spec.nx + 2, spec[side]]
  const wrap = rule.kind === 'wrap'
  const [target, inside, boundary] = side === 'bottom' ? [0, wrap ? ny : 2, 1] : [ny + 1, wrap ? 1 : ny - 1, ny]
  for (let i = start + 1; i <= end; i++) {
    const t = target * stride + i
    if (wrap) out[t] = out[inside * stride + i]
    else if (rule.kind === 'mirror')
      out[t] = mirroredCell(
        rule,
        faces.cells.b[t],
        faces.cells.c[t],
        out[inside * stride + i],
        out[boundary * stride + i],
      )
  }
}

/**
 * The y-lines of node columns [start, end), a strip of kStripWidth columns at a time (each column's
 * arithmetic is the same whatever the strips), then their ghost rows; true if every value is finite.
 * First, uⁿ⁺¹'s fixed bottom and top values are taken from the other buffer, where the main thread put
 * them (api/timed-lines.ts): during the x-lines this buffer's fixed rows still held uⁿ's.
 */
export function solveColumnsVariable(
  lines: VariableLines,
  mid: Float64Array,
  out: Float64Array,
  f: Float64Array | null,
  weight: number,
  start: number,
  end: number,
): boolean {
  const { y, nx } = lines.spec
  const stride = nx + 2
  let acc = 0
  for (let s = start; s < end; s += kStripWidth) {
    const e = Math.min(end, s + kStripWidth)
    forwardStrip(lines, mid, out, f, weight, s, e)
    backStrip(lines, out, s, e)
  }
  ghostCells(lines, out, 'bottom', start, end)
  ghostCells(lines, out, 'top', start, end)
  for (let k = 0; k < y.count; k++) {
    const row = (y.first + 1 + k) * stride
    for (let i = start + 1; i <= end; i++) acc += out[row + i] - out[row + i]
  }
  return acc === 0
}
