/**
 * Data that change with time, evaluated on the main thread (functions cannot cross to the workers)
 * into shared buffers before the workers read them:
 *
 * - a separable source's scale g(t): one weight dt·g(t_n) per step in a shared ring, filled for a whole
 *   chunk of up to kWeightRing steps before the chunk runs (one call per step; the kernels then weigh
 *   the shape by it in place of dt, so the native rate is that of a constant source);
 * - boundary data given as functions of (x, y, t) and a source f(x, y, t): written before every step
 *   (chunks of one step). The state at t_{n+1} holds the boundary data at t_{n+1}: Dirichlet nodes of
 *   the destination buffer and the ghost coefficients its ghosts are made with; step n takes the
 *   source at t_n.
 *
 * Crank–Nicolson steps take other times and places (api/timed-lines.ts).
 */
import { fixedValues } from '../model/boundary/index.js'
import { type FaceViews, faceViews, ghostCoefficients } from '../model/faces.js'
import { paddedIndex, paddedLengthOf } from '../model/grid.js'
import type { Problem } from '../options/problem.js'
import { scaleAt } from '../options/fields.js'
import { fillSource, prepareLines } from './timed-lines.js'

/** Steps of source weights one chunk may hold. */
export const kWeightRing = 4096

export class TimedData {
  readonly #problem: Problem
  readonly #fields: readonly [Float64Array, Float64Array]
  readonly #faces: FaceViews | null
  readonly #source: Float64Array | null
  /** The shared ring of per-step source weights, or null when the source does not vary in time. */
  readonly weights: Float64Array | null
  /** Boundary functions or a source f(x, y, t): something must be written before every step. */
  readonly #perStep: boolean

  constructor(
    problem: Problem,
    fields: readonly [Float64Array, Float64Array],
    faces: Float64Array | null,
    source: Float64Array | null,
  ) {
    this.#problem = problem
    this.#fields = fields
    this.#faces = faces === null ? null : faceViews(faces, paddedLengthOf(problem.grid))
    this.#source = source
    const bytes = kWeightRing * Float64Array.BYTES_PER_ELEMENT
    this.weights = problem.sourceScale === null ? null : new Float64Array(new SharedArrayBuffer(bytes))
    this.#perStep = problem.sourceAt !== null || Object.values(problem.sides).some((s) => s.varying === true)
  }

  /** The faces buffer's views (a variable α, or mirror sides' data varying along a side), or null. */
  get faces(): FaceViews | null {
    return this.#faces
  }

  /** The most steps the next run may take. */
  get chunk(): number {
    return this.#perStep ? 1 : this.weights !== null ? kWeightRing : Infinity
  }

  /**
   * Fills what a run of `steps` steps needs, the run's step k being at t = base + (first + k)·dt (as the
   * solver counts time within an advance), reading field `parity`.
   */
  prepare(base: number, first: number, dt: number, steps: number, parity: 0 | 1): void {
    if (this.#problem.method === 'crank-nicolson') {
      const data = { fields: this.#fields, faces: this.#faces, source: this.#source, weights: this.weights }
      return prepareLines(this.#problem, data, { base, first, dt, steps, parity, perStep: this.#perStep })
    }
    const { grid, sides, sourceScale, sourceAt } = this.#problem
    if (this.weights !== null && sourceScale !== null) {
      for (let k = 0; k < steps; k++) this.weights[k] = dt * scaleAt(sourceScale, base + (first + k) * dt)
    }
    if (!this.#perStep) return
    const [t0, next] = [base + first * dt, base + (first + 1) * dt]
    const dst = this.#fields[1 - parity]
    fixedValues(grid, sides, next, (i, j, v, k) => (dst[paddedIndex(grid, i, j, k)] = v), true)
    if (this.#faces !== null) ghostCoefficients(grid, sides, this.#faces, next, true)
    if (sourceAt !== null && this.#source !== null) fillSource(this.#problem, sourceAt, t0, this.#source)
  }
}
