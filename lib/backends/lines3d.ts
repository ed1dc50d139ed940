/**
 * The contract between the Douglas–Gunn stepper (steppers/dg.ts) and the kernels' line solves on a 3D
 * grid. With h_a = α·dt/(2·spacing_a²) and A_a = h_a·δ_a² (δ² the second difference along axis a), a
 * step of dt is, in Douglas's delta form of Crank–Nicolson,
 *
 *   (1 − Ax) u*   = (1 + Ax + 2Ay + 2Az) uⁿ + dt·f    x-lines     ┐ one phase, on the band's planes
 *   (1 − Ay) u**  = u*  − Ay uⁿ                         y-lines     ┘ (both stay inside a plane)
 *   barrier
 *   (1 − Az) uⁿ⁺¹ = u** − Az uⁿ                         z-lines, on the block's (x, y) columns
 *   barrier
 *
 * so that (1 − Ax)(1 − Ay)(1 − Az)(uⁿ⁺¹ − uⁿ) = 2(Ax + Ay + Az)uⁿ + dt·f: second order in time and
 * unconditionally stable. Each right-hand side reads u*, u** only at the node itself, so u*, u** and
 * uⁿ⁺¹ are all written into the other buffer, in place, and the buffers swap every step (no scratch
 * field). The axes' systems are LineSpec's (backends/lines.ts), factored once per dt by the stepper.
 */
import type { GhostRule } from '../model/boundary/index.js'
import type { LineAxis } from './lines.js'

export interface PlaneLineSpec {
  readonly kind: 'plane-lines'
  readonly nx: number
  readonly ny: number
  readonly nz: number
  readonly dt: number
  /**
   * The conservative operator over the faces buffer (a varying α): the axes' `half` are dt/(2·spacing²)
   * (the faces carry α), their factors are empty, and the kernels compute the pivots as they sweep
   * (js-dg-variable.ts). No axis is periodic then.
   */
  readonly variable: boolean
  readonly x: LineAxis
  readonly y: LineAxis
  readonly z: LineAxis
  /** The ghost rules of the six sides (uⁿ⁺¹'s halo, refreshed by the kernels). */
  readonly left: GhostRule
  readonly right: GhostRule
  readonly bottom: GhostRule
  readonly top: GhostRule
  readonly back: GhostRule
  readonly front: GhostRule
}
