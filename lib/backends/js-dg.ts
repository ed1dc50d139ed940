/**
 * The pure-TypeScript line solves of a Douglas–Gunn step on a 3D grid (see backends/lines3d.ts) and their
 * run loop, the twin of crate/src/stencil/plane_lines.rs and crate/src/schedule/dg.rs: the same
 * arithmetic in the same order, so both backends give identical bits. Per step, from uⁿ in `src`:
 *
 *   each plane of the band: uⁿ's ghost rows, x-lines (u* into `dst`), y-lines (u** over u*, in place)
 *   barrier
 *   the block's rows, every plane: z-lines (uⁿ⁺¹ over u**, in place), then its ghost columns and the
 *   ghost planes' cells of its columns
 *   barrier, and the buffers swap.
 *
 * Every halo cell a phase reads is written by the worker that reads it, or before the barrier before it:
 * the ghost rows of uⁿ⁺¹ (made from rows another worker may own) wait for the next step's first phase,
 * whose worker owns the whole plane. Nothing is allocated per step. The run loop is js-dg-run.ts's; a
 * varying α's solves are js-dg-variable.ts's.
 */
import type { GhostRule } from '../model/boundary/index.js'
import { mirrored } from '../model/boundary/rule.js'
import { fillGhostColumns, ghostUnits } from '../model/field.js'
import type { LineAxis } from './lines.js'
import type { PlaneLineSpec } from './lines3d.js'

/** An axis's coefficients as typed arrays (made once per run request); `twice` = 2·half, exactly. */
interface Axis extends Omit<LineAxis, 'lower' | 'inv' | 'upper' | 'cyclic'> {
  twice: number
  lower: Float64Array
  inv: Float64Array
  upper: Float64Array
  cyclic: { z: Float64Array; q: number; scale: number } | null
}

export interface PlaneLines {
  spec: PlaneLineSpec
  x: Axis
  y: Axis
  z: Axis
  stride: number
  plane: number
}

const typed = (a: LineAxis): Axis => ({
  ...a,
  twice: 2 * a.half,
  lower: Float64Array.from(a.lower),
  inv: Float64Array.from(a.inv),
  upper: Float64Array.from(a.upper),
  cyclic: a.cyclic === null ? null : { ...a.cyclic, z: Float64Array.from(a.cyclic.z) },
})

export function planeLinesOf(spec: PlaneLineSpec): PlaneLines {
  const stride = spec.nx + 2
  return { spec, x: typed(spec.x), y: typed(spec.y), z: typed(spec.z), stride, plane: stride * (spec.ny + 2) }
}

/** One ghost cell by its rule: a copy (wrap) or a·inside + b·boundary + c (mirror); 'none' leaves it. */
function ghostCell(out: Float64Array, rule: GhostRule, target: number, inside: number, boundary: number) {
  if (rule.kind === 'wrap') out[target] = out[inside]
  else if (rule.kind === 'mirror') out[target] = mirrored(rule, out[inside], out[boundary])
}

/** uⁿ's bottom and top ghost rows of the padded plane at `base`, over the x-lines' columns. */
export function planeGhostRows(lines: PlaneLines, src: Float64Array, base: number) {
  const { spec, x, stride } = lines
  for (const g of ghostUnits(spec.ny, spec.bottom, spec.top)) {
    for (let i = x.first + 1; i <= x.first + x.count; i++) {
      ghostCell(src, g.rule, base + g.target * stride + i, base + g.inside * stride + i, base + g.boundary * stride + i)
    }
  }
}

/** The x-line of the padded row at `base`: u* into dst from uⁿ (src) and weight·f (weight dt, or dt·g(t_{n+1/2})). */
export function solveXRow(
  lines: PlaneLines,
  src: Float64Array,
  dst: Float64Array,
  f: Float64Array | null,
  weight: number,
  base: number,
) {
  const { x, y, z, stride, plane } = lines
  const { first, count: m, half, lower, inv, upper } = x
  const c0 = base + first + 1
  let prev = 0
  for (let k = 0; k < m; k++) {
    const c = c0 + k
    const u = src[c]
    let d =
      u +
      half * (src[c - 1] - 2 * u + src[c + 1]) +
      y.twice * (src[c - stride] - 2 * u + src[c + stride]) +
      z.twice * (src[c - plane] - 2 * u + src[c + plane])
    if (f !== null) d = d + weight * f[c]
    if (k === 0) d = d + (x.low.fixed ? half * dst[c - 1] : x.low.term)
    if (k === m - 1) d = d + (x.high.fixed ? half * dst[c + 1] : x.high.term)
    prev = k === 0 ? d * inv[0] : (d - lower[k] * prev) * inv[k]
    dst[c] = prev
  }
  for (let k = m - 2; k >= 0; k--) dst[c0 + k] = dst[c0 + k] - upper[k] * dst[c0 + k + 1]
  if (x.cyclic !== null) {
    const { z: w, q, scale } = x.cyclic
    const g = (dst[c0] + q * dst[c0 + m - 1]) * scale
    for (let k = 0; k < m; k++) dst[c0 + k] = dst[c0 + k] - g * w[k]
  }
}

/**
 * A block of lines along y or z, swept together: `runs` runs of `width` consecutive lines, unknown 0 of
 * run r's first line at padded index first + r·runStride, unknown k at + k·step.
 */
interface Block {
  axis: Axis
  /** Index distance between unknowns k and k + 1 (a row's or a plane's length). */
  step: number
  first: number
  runs: number
  runStride: number
  width: number
}

/** Forward sweep of a block: out (holding u* or u**) ← (out − h·δ²uⁿ) solved along the axis. */
function forwardBlock(b: Block, src: Float64Array, out: Float64Array) {
  const { axis, step, first, runs, runStride, width } = b
  const { count: m, half, lower, inv } = axis
  for (let k = 0; k < m; k++) {
    for (let r = 0; r < runs; r++) {
      const s = first + r * runStride + k * step
      for (let c = s; c < s + width; c++) {
        let d = out[c] - half * (src[c - step] - 2 * src[c] + src[c + step])
        if (k === 0) d = d + (axis.low.fixed ? half * out[c - step] : axis.low.term)
        if (k === m - 1) d = d + (axis.high.fixed ? half * out[c + step] : axis.high.term)
        out[c] = k === 0 ? d * inv[0] : (d - lower[k] * out[c - step]) * inv[k]
      }
    }
  }
}

/** Back sweep of a block, then the cyclic correction (`scratch` holds one factor per line, at index − first). */
function backBlock(b: Block, out: Float64Array, scratch: Float64Array) {
  const { axis, step, first, runs, runStride, width } = b
  const { count: m, upper } = axis
  for (let k = m - 2; k >= 0; k--) {
    for (let r = 0; r < runs; r++) {
      const s = first + r * runStride + k * step
      for (let c = s; c < s + width; c++) out[c] = out[c] - upper[k] * out[c + step]
    }
  }
  if (axis.cyclic === null) return
  const { z, q, scale } = axis.cyclic
  for (let r = 0; r < runs; r++) {
    const s = first + r * runStride
    for (let c = s; c < s + width; c++) scratch[c - first] = (out[c] + q * out[c + (m - 1) * step]) * scale
  }
  for (let k = 0; k < m; k++) {
    for (let r = 0; r < runs; r++) {
      const s = first + r * runStride
      for (let c = s; c < s + width; c++) out[c + k * step] = out[c + k * step] - scratch[c - first] * z[k]
    }
  }
}

/** The y-lines of the padded plane at `base`: u** over u* in `mid`. */
export function solvePlaneY(
  lines: PlaneLines,
  src: Float64Array,
  mid: Float64Array,
  base: number,
  scratch: Float64Array,
) {
  const { x, y, stride } = lines
  const first = base + (y.first + 1) * stride + x.first + 1
  const block: Block = { axis: y, step: stride, first, runs: 1, runStride: 0, width: x.count }
  forwardBlock(block, src, mid)
  backBlock(block, mid, scratch)
}

/** The z-lines of node rows [start, end) in every plane: uⁿ⁺¹ over u** in `mid`; returns whether all are finite. */
export function solveRowsZ(
  lines: PlaneLines,
  src: Float64Array,
  mid: Float64Array,
  start: number,
  end: number,
  scratch: Float64Array,
): boolean {
  const { x, z, stride, plane } = lines
  if (start >= end) return true
  const first = (z.first + 1) * plane + (start + 1) * stride + x.first + 1
  const block: Block = { axis: z, step: plane, first, runs: end - start, runStride: stride, width: x.count }
  forwardBlock(block, src, mid)
  backBlock(block, mid, scratch)
  return rowsFinite(lines, mid, start, end)
}

/** Whether every unknown of node rows [start, end) is finite. */
export function rowsFinite(lines: PlaneLines, out: Float64Array, start: number, end: number): boolean {
  const { x, z, stride, plane } = lines
  const first = (z.first + 1) * plane + (start + 1) * stride + x.first + 1
  let acc = 0
  for (let k = 0; k < z.count; k++) {
    for (let r = 0; r < end - start; r++) {
      const s = first + k * plane + r * stride
      // x − x is 0 for a finite x and NaN otherwise.
      for (let c = s; c < s + x.count; c++) acc += out[c] - out[c]
    }
  }
  return acc === 0
}

/** uⁿ⁺¹'s ghost columns of node rows [start, end) in the evolving planes, then the ghost planes' cells of those rows. */
export function rowsHalo(lines: PlaneLines, out: Float64Array, start: number, end: number) {
  const { spec, x, z, stride, plane } = lines
  for (let k = z.first + 1; k <= z.first + z.count; k++) {
    for (let j = start + 1; j <= end; j++) fillGhostColumns(out, k * plane + j * stride, spec.nx, spec.left, spec.right)
  }
  for (const g of ghostUnits(spec.nz, spec.back, spec.front)) {
    for (let j = start + 1; j <= end; j++) {
      for (let i = j * stride + x.first + 1; i <= j * stride + x.first + x.count; i++) {
        ghostCell(out, g.rule, g.target * plane + i, g.inside * plane + i, g.boundary * plane + i)
      }
    }
  }
}
