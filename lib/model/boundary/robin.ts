/**
 * Robin (convective): the outward flux is proportional to the difference with the surroundings,
 * −α ∂u/∂n = h·(u − ambient), h ≥ 0 (h = 0 is insulated). The side's nodes evolve through a mirrored
 * ghost node, the central difference of the condition at the boundary node:
 *
 *   u_ghost = u_inside − (2Δ·h/α)·u_boundary + (2Δ·h/α)·ambient,   Δ the spacing across the side,
 *
 * a mirror rule with b = −2Δh/α ≠ 0: the ghost depends on the boundary node too (see rule.ts).
 */
import { fail, finiteNumber } from '../../options/check.js'
import type { BoundaryKind } from './kind.js'
import { mirrorGhost } from './rule.js'

/** h ≥ 0 and finite. */
function transferCoefficient(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(name, 'a finite number >= 0', value)
  return value as number
}

export const robin: BoundaryKind = {
  type: 'robin',
  keys: ['type', 'h', 'ambient'],
  parse(name, spec) {
    const h = transferCoefficient(`${name}.h`, spec.h)
    const ambient = spec.ambient === undefined ? 0 : finiteNumber(`${name}.ambient`, spec.ambient)
    const ghost = (spacing: number, diffusivity: number, side: string) => {
      const k = (2 * spacing * h) / diffusivity
      if (!Number.isFinite(k) || !Number.isFinite(k * ambient)) {
        throw new RangeError(`${side}.h (${h}) is too large: the ghost weight 2·Δ·h/α = ${k} is not finite`)
      }
      return mirrorGhost(1, -k, k * ambient)
    }
    return Object.freeze({ kind: 'robin', value: h, ambient, transfer: h, fixed: false, wraps: false, ghost })
  },
}
