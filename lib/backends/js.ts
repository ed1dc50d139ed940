/**
 * The pure-TypeScript kernel: the benchmark baseline and test oracle. It performs the same arithmetic
 * in the same order as crate/src/kernel.rs, so both backends give identical bits:
 *
 *   u′ = u + rx·(u_w − 2u + u_e) + ry·(u_s − 2u + u_n) [+ dt·f]
 *
 * Keep it straightforward: speed-ups are measured against it.
 */
import { type BandStepper, type Kernel, kGhostMirror, kGhostWrap, type StencilSpec } from './stencil.js'

class JsStepper implements BandStepper {
  constructor(private readonly spec: StencilSpec) {}

  step(src: Float64Array, dst: Float64Array, source: Float64Array, rows: number): boolean {
    const { nx, rx, ry } = this.spec
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
      this.fillGhostColumns(dst, r * stride)
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

  /** Refreshes the ghost cells of the padded row starting at `row`, as crate/src/boundary.rs does. */
  private fillGhostColumns(dst: Float64Array, row: number): void {
    const { nx, leftKind, leftOffset, rightKind, rightOffset } = this.spec
    if (leftKind === kGhostMirror) dst[row] = dst[row + 2] - leftOffset
    else if (leftKind === kGhostWrap) dst[row] = dst[row + nx]
    if (rightKind === kGhostMirror) dst[row + nx + 1] = dst[row + nx - 1] - rightOffset
    else if (rightKind === kGhostWrap) dst[row + nx + 1] = dst[row + 1]
  }
}

export const jsKernel: Kernel = {
  stencil: (spec) => new JsStepper(spec),
  fillGhostRow(target, from, offset) {
    for (let k = 1; k < target.length - 1; k++) target[k] = from[k] - offset
  },
}
