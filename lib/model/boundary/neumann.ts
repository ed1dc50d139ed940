/**
 * Neumann: the outward flux q = −α ∂u/∂n is given (default 0, insulated). The side's nodes evolve through
 * a mirrored ghost node, the central difference of the flux: u_ghost = u_inside − 2h·q/α.
 */
import { finiteNumber } from '../../options/check.js'
import type { BoundaryKind } from './kind.js'
import { mirrorGhost } from './rule.js'

export const neumann: BoundaryKind = {
  type: 'neumann',
  keys: ['type', 'flux'],
  parse(name, spec) {
    const flux = spec.flux === undefined ? 0 : finiteNumber(`${name}.flux`, spec.flux)
    const ghost = (spacing: number, diffusivity: number, side: string) => {
      const offset = (2 * spacing * flux) / diffusivity
      if (!Number.isFinite(offset)) {
        throw new RangeError(`${side}.flux (${flux}) is too large: the ghost offset 2·h·q/α = ${offset} is not finite`)
      }
      return mirrorGhost(1, 0, -offset)
    }
    return Object.freeze({ kind: 'neumann', value: flux, fixed: false, wraps: false, ghost })
  },
}
