/**
 * The js kernel's 7-point step over a band of padded planes (a 3D grid), the twin of
 * crate/src/stencil/seven.rs, with the same arithmetic in the same order:
 *
 *   u′ = u + rx·(u_w − 2u + u_e) + ry·(u_s − 2u + u_n) + rz·(u_b − 2u + u_f) [+ dt·f]
 *
 * After each plane its in-plane halo (ghost columns, then the bottom and top ghost rows) is refreshed,
 * so the plane is ready to be read as the next step's source; the ghost planes across z are refreshed by
 * the run loop, like the ghost rows of a 2D band. A variable diffusivity takes the conservative form
 *
 *   u′ = u + rx·(α_e(u_e − u) − α_w(u − u_w)) + ry·(α_n(u_n − u) − α_s(u − u_s)) + rz·(α_f(u_f − u) − α_b(u − u_b)) [+ dt·f]
 */
import type { FaceViews } from '../model/faces.js'
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
  faces?: FaceViews,
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
  if (faces !== undefined && (faces.up === undefined || faces.up.length !== src.length)) {
    throw new RangeError(`faces must be five arrays as long as src (${src.length})`)
  }
  const rules = { left, right, bottom: plane.bottom, top: plane.top }
  let finite = true
  for (let p = 0; p < planes; p++) {
    for (let j = plane.firstRow + 1; j <= plane.lastRow + 1; j++) {
      const [centre, out] = [(p + 1) * length + j * stride, p * length + j * stride]
      const row = faces === undefined ? sweepRow : sweepRowVariable(faces)
      finite = row(spec, plane.rz, src, dst, source, centre, out, length) && finite
    }
    const own = (a: Float64Array) => a.subarray((p + 1) * length, (p + 2) * length)
    const cells = faces === undefined ? undefined : { b: own(faces.cells.b), c: own(faces.cells.c) }
    const view = dst.subarray(p * length, (p + 1) * length)
    fillPlaneHalo(view, nx, plane.ny, rules, plane.firstRow + 1, plane.lastRow + 1, cells)
  }
  return finite
}

/** One node row of the conservative form: the face α of node c are east[c − 1 | c], north[c − stride | c], up[c − plane | c]. */
const sweepRowVariable =
  (faces: FaceViews) =>
  (
    spec: StencilSpec,
    rz: number,
    src: Float64Array,
    dst: Float64Array,
    f: Float64Array,
    centre: number,
    out: number,
    length: number,
  ): boolean => {
    const { first, last, rx, ry, dt } = spec
    const [stride, { east, north }, up] = [spec.nx + 2, faces, faces.up!]
    let acc = 0
    for (let i = first + 1; i <= last + 1; i++) {
      const c = centre + i
      const u = src[c]
      const value =
        u +
        rx * (east[c] * (src[c + 1] - u) - east[c - 1] * (u - src[c - 1])) +
        ry * (north[c] * (src[c + stride] - u) - north[c - stride] * (u - src[c - stride])) +
        rz * (up[c] * (src[c + length] - u) - up[c - length] * (u - src[c - length]))
      const v = f.length === 0 ? value : value + dt * f[out + i]
      dst[out + i] = v
      acc += v - v
    }
    return acc === 0
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
