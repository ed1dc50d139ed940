/**
 * The js kernel's 7-point step over a band of padded planes (a 3D grid), the twin of
 * crate/src/stencil/seven.rs, with the same arithmetic in the same order:
 *
 *   u′ = u + rx·(u_w − 2u + u_e) + ry·(u_s − 2u + u_n) + rz·(u_b − 2u + u_f) [+ dt·f]
 *
 * After each plane its in-plane halo (ghost columns, then the bottom and top ghost rows) is refreshed,
 * so the plane is ready to be read as the next step's source; the ghost planes across z are refreshed by
 * the run loop, like the ghost rows of a 2D band.
 */
import { fillPlaneHalo } from '../model/field.js'
import type { PlaneSpec, StencilSpec } from './kernel.js'

/**
 * Advances `planes` padded planes: `src` holds them plus one halo plane each side, `dst` the planes
 * themselves, `source` (empty for none) values laid out like `dst`. Returns whether every updated value
 * is finite.
 */
export function stepPlanes(
  spec: StencilSpec,
  plane: PlaneSpec,
  src: Float64Array,
  dst: Float64Array,
  source: Float64Array,
  planes: number,
): boolean {
  const { nx, left, right } = spec
  const stride = nx + 2
  const length = (plane.ny + 2) * stride
  if (src.length !== (planes + 2) * length || dst.length !== planes * length) {
    throw new RangeError(`src/dst lengths ${src.length}/${dst.length} do not fit ${planes} planes of ${length}`)
  }
  if (source.length !== 0 && source.length !== dst.length) {
    throw new RangeError(`source has length ${source.length}, expected ${dst.length}`)
  }
  const rules = { left, right, bottom: plane.bottom, top: plane.top }
  let finite = true
  for (let p = 0; p < planes; p++) {
    for (let j = plane.firstRow + 1; j <= plane.lastRow + 1; j++) {
      finite =
        sweepRow(spec, plane.rz, src, dst, source, (p + 1) * length + j * stride, p * length + j * stride, length) &&
        finite
    }
    fillPlaneHalo(
      dst.subarray(p * length, (p + 1) * length),
      nx,
      plane.ny,
      rules,
      plane.firstRow + 1,
      plane.lastRow + 1,
    )
  }
  return finite
}

/** One node row: `centre` its padded start in `src`, `out` in `dst` (and in `source`). */
function sweepRow(
  spec: StencilSpec,
  rz: number,
  src: Float64Array,
  dst: Float64Array,
  f: Float64Array,
  centre: number,
  out: number,
  length: number,
): boolean {
  const { first, last, rx, ry, dt } = spec
  const stride = spec.nx + 2
  let acc = 0
  for (let i = first + 1; i <= last + 1; i++) {
    const c = centre + i
    const u = src[c]
    const value =
      u +
      rx * (src[c - 1] - 2 * u + src[c + 1]) +
      ry * (src[c - stride] - 2 * u + src[c + stride]) +
      rz * (src[c - length] - 2 * u + src[c + length])
    const v = f.length === 0 ? value : value + dt * f[out + i]
    dst[out + i] = v
    // x − x is 0 for a finite x and NaN otherwise.
    acc += v - v
  }
  return acc === 0
}
