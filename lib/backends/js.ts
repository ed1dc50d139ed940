/**
 * The pure-TypeScript backend: the benchmark baseline and test oracle. Its kernel performs the same
 * arithmetic in the same order as crate/src/stencil/, so both backends give identical bits:
 *
 *   u′ = u + rx·(u_w − 2u + u_e) + ry·(u_s − 2u + u_n) [+ dt·f]
 *
 * and its run loop is the native one's twin (step the band, refresh its ghost rows, meet at the
 * barrier, swap). Keep it straightforward: speed-ups are measured against it.
 */
import { fillGhostColumns, fillGhostRow } from '../model/field.js'
import { Barrier } from '../parallel/barrier.js'
import { kAbortNow, kGo, kNonFinite, kStopRequest } from '../parallel/control.js'
import type { Runner, WorkerInit } from '../parallel/protocol.js'
import type { BandStepper, Kernel, StencilSpec } from './kernel.js'

class JsStepper implements BandStepper {
  constructor(private readonly spec: StencilSpec) {}

  step(src: Float64Array, dst: Float64Array, source: Float64Array, rows: number): boolean {
    const { nx, rx, ry, left, right } = this.spec
    const stride = nx + 2
    if (src.length !== (rows + 2) * stride || dst.length !== rows * stride) {
      throw new RangeError(`src/dst lengths ${src.length}/${dst.length} do not fit ${rows} rows of ${stride}`)
    }
    if (source.length !== 0 && source.length !== dst.length) {
      throw new RangeError(`source has length ${source.length}, expected ${dst.length}`)
    }
    let finite = true
    for (let r = 0; r < rows; r++) {
      if (source.length === 0) this.sweep(src, dst, r, stride, rx, ry)
      else this.sweepWithSource(src, dst, source, r, stride, rx, ry)
      finite &&= this.allFinite(dst, r * stride)
      fillGhostColumns(dst, r * stride, nx, left, right)
    }
    return finite
  }

  /** x − x is 0 for a finite x and NaN otherwise. */
  private allFinite(dst: Float64Array, row: number): boolean {
    let acc = 0
    for (let i = row + this.spec.first + 1; i <= row + this.spec.last + 1; i++) acc += dst[i] - dst[i]
    return acc === 0
  }

  private sweep(src: Float64Array, dst: Float64Array, r: number, stride: number, rx: number, ry: number): void {
    const { first, last } = this.spec
    const centre = (r + 1) * stride
    for (let i = first + 1; i <= last + 1; i++) {
      const c = centre + i
      const u = src[c]
      dst[r * stride + i] =
        u + rx * (src[c - 1] - 2 * u + src[c + 1]) + ry * (src[c - stride] - 2 * u + src[c + stride])
    }
  }

  private sweepWithSource(
    src: Float64Array,
    dst: Float64Array,
    f: Float64Array,
    r: number,
    stride: number,
    rx: number,
    ry: number,
  ): void {
    const { first, last, dt } = this.spec
    const centre = (r + 1) * stride
    for (let i = first + 1; i <= last + 1; i++) {
      const c = centre + i
      const o = r * stride + i
      const u = src[c]
      dst[o] = u + rx * (src[c - 1] - 2 * u + src[c + 1]) + ry * (src[c - stride] - 2 * u + src[c + stride]) + dt * f[o]
    }
  }
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
}

interface Views {
  slices: Slice[]
  ghosts: { target: Float64Array; inside: Float64Array; boundary: Float64Array; job: WorkerInit['ghostRows'][number] }[]
}

/** Rows per slice: about 64k values, so an abort request is seen within a fraction of a step. */
const rowsPerSlice = (stride: number) => Math.max(1, Math.floor(65536 / stride))

/** Views of the band for each parity, made once: nothing is allocated per step. */
function makeViews(init: WorkerInit, parity: 0 | 1): Views {
  const { stride, band } = init
  const src = new Float64Array(init.fields[parity])
  const dst = new Float64Array(init.fields[1 - parity])
  const source = init.source === null ? null : new Float64Array(init.source)
  const slices: Slice[] = []
  for (let first = band.start; first < band.end; first += rowsPerSlice(stride)) {
    const last = Math.min(band.end, first + rowsPerSlice(stride))
    const own = [(first + 1) * stride, (last + 1) * stride] as const
    slices.push({
      src: src.subarray(first * stride, (last + 2) * stride),
      dst: dst.subarray(...own),
      source: source === null ? new Float64Array(0) : source.subarray(...own),
      rows: last - first,
    })
  }
  const row = (r: number) => dst.subarray(r * stride, (r + 1) * stride)
  const ghosts = init.ghostRows.map((job) => ({
    target: row(job.target),
    inside: row(job.inside),
    boundary: row(job.boundary),
    job,
  }))
  return { slices, ghosts }
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
  return (request) => {
    const stepper = jsKernel.stencil(request.stencil)
    let parity = request.parity
    for (let done = 0; done < request.steps; done++) {
      const v = views[parity]
      for (const s of v.slices) {
        // On an abort request, skip the rest: the barrier drops this step, and its source buffer
        // still holds the state after `done` steps.
        if (Atomics.load(control, kStopRequest) === kAbortNow) break
        if (!stepper.step(s.src, s.dst, s.source, s.rows)) Atomics.store(control, kNonFinite, 1)
        if (init.flushSubnormals) flushSubnormals(s.dst)
      }
      for (const g of v.ghosts) {
        fillGhostRow(g.target, g.inside, g.boundary, g.job.rule)
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
