/**
 * Robin (convective): the outward flux is proportional to the difference with the surroundings,
 * −α ∂u/∂n = h·(u − ambient), h ≥ 0 (h = 0 is insulated); h and ambient are numbers or functions
 * (x, y, t). The side's nodes evolve through a mirrored ghost node, the central difference of the
 * condition at the boundary node:
 *
 *   u_ghost = u_inside − (2Δ·h/α)·u_boundary + (2Δ·h/α)·ambient,   Δ the spacing across the side,
 *
 * a mirror rule with b = −2Δh/α ≠ 0: the ghost depends on the boundary node too (see rule.ts).
 */
import { datumAt, datumText, kFinite, kNonNegative, parseDatum } from './data.js'
import type { BoundaryKind, Side } from './kind.js'
import { mirrorGhost } from './rule.js'

export const robin: BoundaryKind = {
  type: 'robin',
  keys: ['type', 'h', 'ambient'],
  parse(name, spec) {
    const h = parseDatum(`${name}.h`, spec.h, undefined, kNonNegative)
    const ambient = parseDatum(`${name}.ambient`, spec.ambient, 0)
    const varying = typeof h === 'function' || typeof ambient === 'function'
    const ghost: Side['ghost'] = (spacing, diffusivity, side, at) => {
      // Without a node (the side's rule as a whole), a varying h stands in as 1: the rule reads its boundary row.
      const [hh, aa] =
        at === undefined
          ? [typeof h === 'number' ? h : 1, typeof ambient === 'number' ? ambient : 0]
          : [
              datumAt(`${side}.h`, h, at.x, at.y, at.t, kNonNegative, at.z),
              datumAt(`${side}.ambient`, ambient, at.x, at.y, at.t, kFinite, at.z),
            ]
      const k = (2 * spacing * hh) / diffusivity
      if (!Number.isFinite(k) || !Number.isFinite(k * aa)) {
        throw new RangeError(`${side}.h (${hh}) is too large: the ghost weight 2·Δ·h/α = ${k} is not finite`)
      }
      return mirrorGhost(1, -k, k * aa)
    }
    const value = typeof h === 'number' ? h : 0
    const transfer = typeof h === 'number' ? h : undefined
    const transferAt = (x: number, y: number, t: number, z?: number) =>
      datumAt(`${name}.h`, h, x, y, t, kNonNegative, z)
    return Object.freeze({
      kind: 'robin',
      ...{ value, ambient, transfer, transferAt, varying, spec: `h ${datumText(h)} ambient ${datumText(ambient)}` },
      ...{ fixed: false, wraps: false, ghost },
    })
  },
}
