/**
 * The contract between the ADI stepper (steppers/adi.ts) and the kernels' line solves: a half step
 * implicit along one axis is one tridiagonal system per grid line,
 *
 *   −h·u[k−1] + (1 + 2h)·u[k] − h·u[k+1] = d[k],   h = α·dt/(2·spacing²),
 *
 * whose matrix is the same for every line of the axis. The stepper factors it once per dt (the Thomas
 * algorithm's modified coefficients, plus Sherman–Morrison's for a periodic axis) and both kernels
 * only run the forward and back sweeps, so they do the same arithmetic in the same order. The
 * conservative operator (`variable`, below) has one matrix per line instead, factored by the kernels.
 */
import type { GhostRule } from '../model/boundary/index.js'

/** What bounds a line at one end, beyond its last unknown. */
export interface LineEnd {
  /** The neighbour is a fixed node (Dirichlet): d gains h·(its value), read from the field. */
  readonly fixed: boolean
  /** Otherwise added to d: h·c of the end's mirror rule (its a and b are in the matrix), 0 for a wrap. */
  readonly term: number
}

/** One axis's factored line system, for `count` unknowns from node index `first`. */
export interface LineAxis {
  readonly first: number
  readonly count: number
  /** h = α·dt/(2·spacing²). */
  readonly half: number
  /** Row k's coefficient on unknown k − 1 (lower[0] is 0). */
  readonly lower: readonly number[]
  /** 1 / (the pivot of row k). */
  readonly inv: readonly number[]
  /** The modified upper coefficient of row k (upper[count − 1] is 0). */
  readonly upper: readonly number[]
  readonly low: LineEnd
  readonly high: LineEnd
  /**
   * A periodic axis: the solve of the tridiagonal part is corrected by x = y − ((y[0] + q·y[count−1])·scale)·z
   * (Sherman–Morrison), null otherwise.
   */
  readonly cyclic: { readonly z: readonly number[]; readonly q: number; readonly scale: number } | null
}

/**
 * A Peaceman–Rachford step of dt: x-lines implicit (y explicit), then y-lines implicit (x explicit).
 *
 * `variable`: the conservative operator over the faces buffer (a variable α, or mirror sides whose data
 * vary along the side, whose ghosts then take each cell's own b and c; see js-lines-variable.ts). Each
 * line then has its own matrix: the axes' `half` are dt/(2·spacing²) (the faces carry α), their
 * `lower`, `inv` and `upper` are empty and `cyclic` is null (a wrap rule says the axis is periodic),
 * and the kernels compute the pivots as they sweep.
 */
export interface LineSpec {
  readonly kind: 'lines'
  readonly nx: number
  readonly ny: number
  readonly dt: number
  /** dt/2, the weight of the source in each half step (for a separable source of t, per step: see WorkerInit.weights). */
  readonly halfDt: number
  readonly variable: boolean
  readonly x: LineAxis
  readonly y: LineAxis
  /** The ghost rules of the four sides (the halo of each half step's result). */
  readonly left: GhostRule
  readonly right: GhostRule
  readonly bottom: GhostRule
  readonly top: GhostRule
}
