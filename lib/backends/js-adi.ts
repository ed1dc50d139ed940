/**
 * The pure-TypeScript line solves of a Peaceman–Rachford step (see steppers/adi.ts) and their run loop,
 * the twin of crate/src/stencil/lines.rs and crate/src/schedule/adi.rs: the same arithmetic in the same
 * order, so both backends give identical bits. Per step:
 *
 *   x-lines of the band's rows:   u* (other buffer) from uⁿ, then u*'s ghost columns
 *   barrier
 *   y-lines of the block's columns: uⁿ⁺¹ (back into the first buffer) from u*, then its ghost rows
 *   barrier
 *
 * Each line's right-hand side is written into its destination and swept there (Thomas algorithm); the
 * y-lines of a block are swept together, row by row, so memory is read along rows. Nothing is
 * allocated per step.
 */
import type { GhostRule } from '../model/boundary/index.js'
import { mirrored } from '../model/boundary/rule.js'
import { fillGhostColumns } from '../model/field.js'
import { Barrier } from '../parallel/barrier.js'
import { kAbortNow, kGo, kNonFinite, kStopRequest } from '../parallel/control.js'
import type { Runner, RunOutcome, RunRequest, WorkerInit } from '../parallel/protocol.js'
import type { StepSpec } from '../steppers/schedule.js'
import { type FaceViews, faceViews } from '../model/faces.js'
import {
  kStripWidth,
  scratchLength,
  solveColumnsVariable,
  solveRowVariable,
  variableLinesOf,
} from './js-lines-variable.js'
import type { LineAxis, LineSpec } from './lines.js'

/** An axis's coefficients as typed arrays (made once per run request). */
interface Axis extends Omit<LineAxis, 'lower' | 'inv' | 'upper' | 'cyclic'> {
  lower: Float64Array
  inv: Float64Array
  upper: Float64Array
  cyclic: { z: Float64Array; q: number; scale: number } | null
}

export interface Lines {
  spec: LineSpec
  x: Axis
  y: Axis
}

const typed = (a: LineAxis): Axis => ({
  ...a,
  lower: Float64Array.from(a.lower),
  inv: Float64Array.from(a.inv),
  upper: Float64Array.from(a.upper),
  cyclic: a.cyclic === null ? null : { ...a.cyclic, z: Float64Array.from(a.cyclic.z) },
})

export const linesOf = (spec: LineSpec): Lines => ({ spec, x: typed(spec.x), y: typed(spec.y) })

/** The x-line of the padded row starting at `base`: dst's row from src's rows base−stride…base+stride. */
export function solveRow(
  lines: Lines,
  src: Float64Array,
  dst: Float64Array,
  f: Float64Array | null,
  weight: number,
  base: number,
) {
  const { x, y, spec } = lines
  const { first, count: m, half, lower, inv, upper } = x
  const stride = spec.nx + 2
  const c0 = base + first + 1
  let prev = 0
  for (let k = 0; k < m; k++) {
    const c = c0 + k
    const u = src[c]
    let d = u + y.half * (src[c - stride] - 2 * u + src[c + stride])
    if (f !== null) d = d + weight * f[c]
    if (k === 0) d = d + (x.low.fixed ? half * dst[c - 1] : x.low.term)
    if (k === m - 1) d = d + (x.high.fixed ? half * dst[c + 1] : x.high.term)
    prev = k === 0 ? d * inv[0] : (d - lower[k] * prev) * inv[k]
    dst[c] = prev
  }
  for (let k = m - 2; k >= 0; k--) dst[c0 + k] = dst[c0 + k] - upper[k] * dst[c0 + k + 1]
  if (x.cyclic !== null) {
    const { z, q, scale } = x.cyclic
    const g = (dst[c0] + q * dst[c0 + m - 1]) * scale
    for (let k = 0; k < m; k++) dst[c0 + k] = dst[c0 + k] - g * z[k]
  }
  fillGhostColumns(dst, base, spec.nx, spec.left, spec.right)
}

/** Forward sweep of the y-lines of columns [start, end): out from mid's rows (each row's right-hand side). */
function forwardColumns(
  lines: Lines,
  mid: Float64Array,
  out: Float64Array,
  f: Float64Array | null,
  weight: number,
  start: number,
  end: number,
) {
  const { x, y, spec } = lines
  const { first, count: m, half, lower, inv } = y
  const stride = spec.nx + 2
  for (let k = 0; k < m; k++) {
    const row = (first + 1 + k) * stride
    for (let i = start + 1; i <= end; i++) {
      const c = row + i
      const v = mid[c]
      let d = v + x.half * (mid[c - 1] - 2 * v + mid[c + 1])
      if (f !== null) d = d + weight * f[c]
      if (k === 0) d = d + (y.low.fixed ? half * out[c - stride] : y.low.term)
      if (k === m - 1) d = d + (y.high.fixed ? half * out[c + stride] : y.high.term)
      out[c] = k === 0 ? d * inv[0] : (d - lower[k] * out[c - stride]) * inv[k]
    }
  }
}

/** Back sweep (and the cyclic correction, with `scratch` holding one factor per column) of the block. */
function backColumns(lines: Lines, out: Float64Array, start: number, end: number, scratch: Float64Array) {
  const { y, spec } = lines
  const { first, count: m, upper } = y
  const stride = spec.nx + 2
  const r0 = (first + 1) * stride
  for (let k = m - 2; k >= 0; k--) {
    const row = r0 + k * stride
    for (let i = start + 1; i <= end; i++) out[row + i] = out[row + i] - upper[k] * out[row + i + stride]
  }
  if (y.cyclic === null) return
  const { z, q, scale } = y.cyclic
  const last = r0 + (m - 1) * stride
  for (let i = start + 1; i <= end; i++) scratch[i] = (out[r0 + i] + q * out[last + i]) * scale
  for (let k = 0; k < m; k++) {
    const row = r0 + k * stride
    for (let i = start + 1; i <= end; i++) out[row + i] = out[row + i] - scratch[i] * z[k]
  }
}

/** The ghost cells of one side's ghost row over columns [start, end), by its rule. */
function ghostRow(
  out: Float64Array,
  rule: GhostRule,
  target: number,
  inside: number,
  boundary: number,
  start: number,
  end: number,
  stride: number,
) {
  for (let i = start + 1; i <= end; i++) {
    if (rule.kind === 'wrap') out[target * stride + i] = out[inside * stride + i]
    else if (rule.kind === 'mirror')
      out[target * stride + i] = mirrored(rule, out[inside * stride + i], out[boundary * stride + i])
  }
}

/** The y-lines of columns [start, end) and their ghost rows; returns whether every value is finite. */
export function solveColumns(
  lines: Lines,
  mid: Float64Array,
  out: Float64Array,
  f: Float64Array | null,
  weight: number,
  start: number,
  end: number,
  scratch: Float64Array,
): boolean {
  forwardColumns(lines, mid, out, f, weight, start, end)
  backColumns(lines, out, start, end, scratch)
  const { spec, y } = lines
  const { ny } = spec
  const stride = spec.nx + 2
  const { bottom, top } = spec
  ghostRow(out, bottom, 0, bottom.kind === 'wrap' ? ny : 2, 1, start, end, stride)
  ghostRow(out, top, ny + 1, top.kind === 'wrap' ? 1 : ny - 1, ny, start, end, stride)
  let acc = 0
  for (let k = 0; k < y.count; k++) {
    const row = (y.first + 1 + k) * stride
    for (let i = start + 1; i <= end; i++) acc += out[row + i] - out[row + i]
  }
  return acc === 0
}

/** Rows per slice of the x-lines: about 64k values, so an abort request is seen within a fraction of a step. */
const rowsPerSlice = (stride: number) => Math.max(1, Math.floor(65536 / stride))

/** One step's solves, for either operator (one α and factored systems, or the conservative one over faces). */
interface StepSolves {
  row(src: Float64Array, mid: Float64Array, weight: number, base: number): void
  columns(mid: Float64Array, out: Float64Array, weight: number, start: number, end: number): boolean
}

/** The x-lines of the band's rows from src into mid; false if an abort request cut them short. */
function xPhase(
  init: WorkerInit,
  solves: StepSolves,
  src: Float64Array,
  mid: Float64Array,
  weight: number,
  control: Int32Array,
) {
  const { band, stride } = init
  for (let r = band.start; r < band.end; r++) {
    if ((r - band.start) % rowsPerSlice(stride) === 0 && Atomics.load(control, kStopRequest) === kAbortNow) return false
    solves.row(src, mid, weight, (r + 1) * stride)
  }
  return true
}

/**
 * uⁿ⁺¹'s fixed bottom and top nodes over node columns [start, end), from the other buffer: the main
 * thread writes data that vary in time there before the step (api/timed-lines.ts), since this buffer's
 * fixed rows must hold uⁿ's values until the x-lines are done. (Constant data: the same values.)
 */
export function takeFixedRows(spec: LineSpec, mid: Float64Array, out: Float64Array, start: number, end: number) {
  const { y } = spec
  const stride = spec.nx + 2
  for (const r of [y.low.fixed ? y.first : -1, y.high.fixed ? y.first + y.count + 1 : -1]) {
    if (r >= 0) for (let i = start + 1; i <= end; i++) out[r * stride + i] = mid[r * stride + i]
  }
}

/** A worker's scratch for the conservative systems, grown (never per step) to what `spec` needs. */
function scratchFor(held: { up: Float64Array; zz: Float64Array; ends: Float64Array }, spec: LineSpec) {
  const n = scratchLength(spec)
  if (held.up.length < n) [held.up, held.zz] = [new Float64Array(n), new Float64Array(n)]
  return held
}

/** The solves of a request's step: the factored systems, or the conservative ones over `faces`. */
function solvesOf(
  spec: LineSpec,
  faces: FaceViews | null,
  f: Float64Array | null,
  scratch: Float64Array,
  held: Scratch,
): StepSolves {
  if (!spec.variable) {
    const lines = linesOf(spec)
    return {
      row: (src, mid, weight, base) => solveRow(lines, src, mid, f, weight, base),
      columns: (mid, out, weight, start, end) => solveColumns(lines, mid, out, f, weight, start, end, scratch),
    }
  }
  if (faces === null) throw new Error('internal: conservative line systems need the faces buffer')
  const lines = variableLinesOf(spec, faces, scratchFor(held, spec))
  return {
    row: (src, mid, weight, base) => solveRowVariable(lines, src, mid, f, weight, base),
    columns: (mid, out, weight, start, end) => solveColumnsVariable(lines, mid, out, f, weight, start, end),
  }
}

type Scratch = { up: Float64Array; zz: Float64Array; ends: Float64Array }

/** The js backend's ADI run loop. An abort drops a step only before its y-lines begin: they overwrite uⁿ. */
export const jsAdiRunner: Runner<StepSpec> = async (init) => {
  const control = new Int32Array(init.control)
  const barrier = new Barrier(control, init.parties)
  const fields = [new Float64Array(init.fields[0]), new Float64Array(init.fields[1])] as const
  const f = init.source === null ? null : new Float64Array(init.source)
  const faces = init.faces === null ? null : faceViews(new Float64Array(init.faces), fields[0].length)
  const weights = init.weights === null ? null : new Float64Array(init.weights)
  const scratch = new Float64Array(init.stride)
  const held: Scratch = { up: new Float64Array(0), zz: new Float64Array(0), ends: new Float64Array(2 * kStripWidth) }
  const columns = init.schedule.columns ?? { start: 0, end: 0 }
  return (request: RunRequest<StepSpec>): RunOutcome => {
    const spec = request.stencil as LineSpec
    const solves = solvesOf(spec, faces, f, scratch, held)
    const [src, mid] = [fields[request.parity], fields[1 - request.parity]]
    for (let done = 0; done < request.steps; done++) {
      // The source's weight: dt/2, or dt/2·g(t_{n+1/2}) for a separable source of t (see api/timed-lines.ts).
      const weight = weights === null ? spec.halfDt : weights[done]
      xPhase(init, solves, src, mid, weight, control)
      // Stop or go, a step whose x-lines are complete is finished; an abort drops it (uⁿ is intact).
      if (barrier.wait() === kAbortNow) return { steps: done, abandoned: false, lost: false }
      takeFixedRows(spec, mid, src, columns.start, columns.end)
      if (!solves.columns(mid, src, weight, columns.start, columns.end)) Atomics.store(control, kNonFinite, 1)
      if (barrier.wait() !== kGo) return { steps: done + 1, abandoned: false, lost: false }
    }
    return { steps: request.steps, abandoned: false, lost: false }
  }
}
