/**
 * Neumann: the outward flux q = −α ∂u/∂n is given (default 0, insulated), a number or a function
 * (x, y, t). The side's nodes evolve through a mirrored ghost node, the central difference of the flux:
 * u_ghost = u_inside − 2h·q/α.
 */
import { datumAt, datumText, kFinite, parseDatum } from './data.js'
import type { BoundaryKind } from './kind.js'
import { mirrorGhost } from './rule.js'

export const neumann: BoundaryKind = {
  type: 'neumann',
  keys: ['type', 'flux'],
  parse(name, spec) {
    const flux = parseDatum(`${name}.flux`, spec.flux, 0)
    const varying = typeof flux === 'function'
    const ghost: import('./kind.js').Side['ghost'] = (spacing, diffusivity, side, at) => {
      const q =
        at === undefined
          ? varying
            ? 0
            : (flux as number)
          : datumAt(`${side}.flux`, flux, at.x, at.y, at.t, kFinite, at.z)
      const offset = (2 * spacing * q) / diffusivity
      if (!Number.isFinite(offset)) {
        throw new RangeError(`${side}.flux (${q}) is too large: the ghost offset 2·h·q/α = ${offset} is not finite`)
      }
      return mirrorGhost(1, 0, -offset)
    }
    const text = varying ? `flux ${datumText(flux)}` : undefined
    return Object.freeze({
      kind: 'neumann',
      value: varying ? 0 : flux,
      varying,
      spec: text,
      fixed: false,
      wraps: false,
      ghost,
    })
  },
}
