/**
 * The pure-TypeScript backend: the benchmark baseline and test oracle. Its kernel performs the same
 * arithmetic in the same order as crate/src/stencil/, so both backends give identical bits:
 *
 *   u′ = u + rx·(u_w − 2u + u_e) + ry·(u_s − 2u + u_n) [+ dt·f]
 *
 * or, for a variable diffusivity (rx = dt/dx², ry = dt/dy², face α precomputed, see model/faces.ts),
 *
 *   u′ = u + rx·(α_e(u_e − u) − α_w(u − u_w)) + ry·(α_n(u_n − u) − α_s(u − u_s)) [+ dt·f]
 *
 * and its run loop is the native one's twin (step the band, refresh its ghost rows, meet at the
 * barrier, swap). Keep it straightforward: speed-ups are measured against it.
 */
import type { GhostCells } from '../model/boundary/rule.js'
import { type FaceViews, faceViews } from '../model/faces.js'
import { fillGhostColumns, fillGhostRow } from '../model/field.js'
import { Barrier } from '../parallel/barrier.js'
import { kAbortNow, kGo, kNonFinite, kStopRequest } from '../parallel/control.js'
import type { Runner, RunRequest, WorkerInit } from '../parallel/protocol.js'
import { stepPlanes } from './js-plane.js'
import { RingReader } from './js-ring.js'
import type { BandStepper, Kernel, StencilSpec } from './kernel.js'

class JsStepper implements BandStepper {
  constructor(private readonly spec: StencilSpec) {}

  step(src: Float64Array, dst: Float64Array, source: Float64Array, rows: number, faces?: FaceViews): boolean {
    const { nx, left, right, plane } = this.spec
    if (plane !== undefined) return stepPlanes(this.spec, plane, src, dst, source, rows, faces)
    const stride = nx + 2
    if (src.length !== (rows + 2) * stride || dst.length !== rows * stride) {
      throw new RangeError(`src/dst lengths ${src.length}/${dst.length} do not fit ${rows} rows of ${stride}`)
    }
    if (source.length !== 0 && source.length !== dst.length) {
      throw new RangeError(`source has length ${source.length}, expected ${dst.length}`)
    }
    if (faces !== undefined && faces.east.length !== src.length) {
      throw new RangeError(`faces have length ${faces.east.length}, expected ${src.length}`)
    }
    const finite =
      faces !== undefined
        ? variableSweep(this.spec, src, dst, source, faces, rows)
        : source.length === 0
          ? sweep(this.spec, src, dst, rows)
          : sweepWithSource(this.spec, src, dst, source, rows)
    // A ghost cell is made from its own row's values, so the rows' ghosts can follow all the rows.
    for (let r = 0; r < rows; r++) fillGhostColumns(dst, r * stride, nx, left, right, faces?.cells, (r + 1) * stride)
    return finite
  }
}

/*
 * The sweeps below write `rows` rows of dst from src (one halo row each side) and return whether every
 * value they wrote is finite: x − x is 0 for a finite x and NaN otherwise, so the sum is 0 only if all are.
 * Each is one plain loop over the rows, as a JS programmer would write it.
 */

function sweep(spec: StencilSpec, src: Float64Array, dst: Float64Array, rows: number): boolean {
  const { nx, first, last, rx, ry } = spec
  const stride = nx + 2
  let finite = 0
  for (let row = stride; row <= rows * stride; row += stride) {
    const end = row + last + 1
    for (let c = row + first + 1; c <= end; c++) {
      const o = c - stride
      const u = src[c]
      const v = u + rx * (src[c - 1] - 2 * u + src[c + 1]) + ry * (src[c - stride] - 2 * u + src[c + stride])
      dst[o] = v
      finite += v - v
    }
  }
  return finite === 0
}

function sweepWithSource(spec: StencilSpec, src: Float64Array, dst: Float64Array, f: Float64Array, rows: number) {
  const { nx, first, last, rx, ry, dt } = spec
  const stride = nx + 2
  let finite = 0
  for (let row = stride; row <= rows * stride; row += stride) {
    const end = row + last + 1
    for (let c = row + first + 1; c <= end; c++) {
      const o = c - stride
      const u = src[c]
      const v =
        u + rx * (src[c - 1] - 2 * u + src[c + 1]) + ry * (src[c - stride] - 2 * u + src[c + stride]) + dt * f[o]
      dst[o] = v
      finite += v - v
    }
  }
  return finite === 0
}

/**
 * The conservative stencil: the face α of node c are east[c] and east[c − 1], north[c] and
 * north[c − stride] (faces sliced like `src`). Evaluated in the native kernel's order.
 */
function variableSweep(
  spec: StencilSpec,
  src: Float64Array,
  dst: Float64Array,
  f: Float64Array,
  faces: FaceViews,
  rows: number,
): boolean {
  const { nx, first, last, rx, ry, dt } = spec
  const stride = nx + 2
  const { east, north } = faces
  let finite = 0
  for (let row = stride; row <= rows * stride; row += stride) {
    const end = row + last + 1
    for (let c = row + first + 1; c <= end; c++) {
      const o = c - stride
      const u = src[c]
      const value =
        u +
        rx * (east[c] * (src[c + 1] - u) - east[c - 1] * (u - src[c - 1])) +
        ry * (north[c] * (src[c + stride] - u) - north[c - stride] * (u - src[c - stride]))
      const v = f.length === 0 ? value : value + dt * f[o]
      dst[o] = v
      finite += v - v
    }
  }
  return finite === 0
}

export const jsKernel: Kernel = {
  stencil: (spec) => new JsStepper(spec),
  fillGhostRow,
}

/** A slice of the band's rows: stepped in one call, between two looks at the abort request. */
interface Slice {
  src: Float64Array
  dst: Float64Array
  source: Float64Array
  rows: number
  /** The padded unit of dst's first row. */
  unit: number
  faces: FaceViews | undefined
}

interface GhostView {
  target: Float64Array
  inside: Float64Array
  boundary: Float64Array
  cells: GhostCells | undefined
  job: WorkerInit['ghostRows'][number]
}

interface Views {
  slices: Slice[]
  ghosts: GhostView[]
  /** The whole destination field. */
  field: Float64Array
}

/** Rows per slice: about 64k values, so an abort request is seen within a fraction of a step. */
const rowsPerSlice = (stride: number) => Math.max(1, Math.floor(65536 / stride))

/** Views of the band for each parity, made once: nothing is allocated per step. */
function makeViews(init: WorkerInit, parity: 0 | 1): Views {
  const { stride, band } = init
  const src = new Float64Array(init.fields[parity])
  const dst = new Float64Array(init.fields[1 - parity])
  const source = init.source === null ? null : new Float64Array(init.source)
  const faces = init.faces === null ? null : new Float64Array(init.faces)
  const facesOf = (from: number, to: number) => (faces === null ? undefined : faceViews(faces, src.length, from, to))
  const slices: Slice[] = []
  for (let first = band.start; first < band.end; first += rowsPerSlice(stride)) {
    const last = Math.min(band.end, first + rowsPerSlice(stride))
    const own = [(first + 1) * stride, (last + 1) * stride] as const
    slices.push({
      src: src.subarray(first * stride, (last + 2) * stride),
      dst: dst.subarray(...own),
      source: source === null ? new Float64Array(0) : source.subarray(...own),
      rows: last - first,
      unit: first + 1,
      faces: facesOf(first * stride, (last + 2) * stride),
    })
  }
  const row = (r: number) => dst.subarray(r * stride, (r + 1) * stride)
  const ghosts = init.ghostRows.map((job) => ({
    target: row(job.target),
    inside: row(job.inside),
    boundary: row(job.boundary),
    cells: facesOf(job.target * stride, (job.target + 1) * stride)?.cells,
    job,
  }))
  return { slices, ghosts, field: dst }
}

/** The stepper of step k of a run: the source weighed by weights[k] in place of dt when the source varies in time. */
function stepperFor(request: RunRequest, weights: Float64Array | null): (k: number) => BandStepper {
  const fixed = jsKernel.stencil(request.stencil)
  if (weights === null) return () => fixed
  return (k) => new JsStepper({ ...request.stencil, dt: weights[k] })
}

/** The smallest normal double, 2⁻¹⁰²². */
const kMinNormal = 2.2250738585072014e-308

/** Stores every subnormal value as +0, as crate/src/grid/band.rs does (options.flushSubnormals). */
function flushSubnormals(values: Float64Array): void {
  for (let k = 0; k < values.length; k++) if (Math.abs(values[k]) < kMinNormal) values[k] = 0
}

/** The js backend's run loop: the baseline, kept plain. */
export const jsRunner: Runner = async (init) => {
  const control = new Int32Array(init.control)
  const barrier = new Barrier(control, init.parties)
  const views = [makeViews(init, 0), makeViews(init, 1)] as const
  const weights = init.weights === null ? null : new Float64Array(init.weights)
  const ring = init.timed === null ? null : new RingReader(init.timed.layout, new Float64Array(init.timed.ring))
  const { stride, band } = init
  const ends = band.end > band.start + 1 ? [band.start + 1, band.end] : [band.end]
  return (request) => {
    const steppers = stepperFor(request, weights)
    // The padded rows of a plane whose ghost columns the stencil fills (its evolving rows).
    const { plane } = request.stencil
    const [first, last] = plane === undefined ? [0, 0] : [plane.firstRow + 1, plane.lastRow + 1]
    let parity = request.parity
    for (let done = 0; done < request.steps; done++) {
      const stepper = steppers(done)
      const v = views[parity]
      ring?.select(request.first + done)
      for (const s of v.slices) {
        // On an abort request, skip the rest: the barrier drops this step, and its source buffer
        // still holds the state after `done` steps.
        if (Atomics.load(control, kStopRequest) === kAbortNow) break
        for (let r = 0; ring !== null && r < s.rows; r++) ring.prepareUnit(s.dst, r * stride, s.unit + r)
        if (!stepper.step(s.src, s.dst, s.source, s.rows, s.faces)) Atomics.store(control, kNonFinite, 1)
        for (let r = 0; ring !== null && r < s.rows; r++) ring.finishUnit(s.dst, r * stride, s.unit + r, first, last)
        if (init.flushSubnormals) flushSubnormals(s.dst)
      }
      // Only the first and last evolving units lie just inside a Dirichlet unit: a band's ends at most.
      for (const u of ends) ring?.writeBoundaryUnits(v.field, stride, u)
      for (const g of v.ghosts) {
        fillGhostRow(g.target, g.inside, g.boundary, g.job.rule, ring?.jobCells(g.job.target) ?? g.cells)
        if (init.flushSubnormals) flushSubnormals(g.target)
      }
      parity = parity === 0 ? 1 : 0
      const decision = barrier.wait()
      if (decision === kAbortNow) return { steps: done, abandoned: false, lost: false }
      if (decision !== kGo) return { steps: done + 1, abandoned: false, lost: false }
    }
    return { steps: request.steps, abandoned: false, lost: false }
  }
}
