/**
 * Data that change with time, evaluated on the main thread (functions cannot cross to the workers)
 * into shared buffers before the workers read them:
 *
 * - a separable source's scale g(t): one weight dt·g(t_n) per step in a shared ring, filled for a whole
 *   chunk of up to kWeightRing steps before the chunk runs (one call per step; the kernels then weigh
 *   the shape by it in place of dt, so the native rate is that of a constant source);
 * - side data given as functions of (x, y, t): the ring of per-step slots (model/side-ring.ts). The slots
 *   of a chunk's steps are filled before the chunk runs, and while it runs the main thread fills the slots
 *   of the next ones, so the workers go through the chunk, with temporal blocking, without waiting. The
 *   state at t_{n+1} holds the data at t_{n+1};
 * - a source f(x, y, t): written over the grid before every step (chunks of one step); step n takes the
 *   source at t_n. (The separable form above is the fast one.)
 *
 * Crank–Nicolson steps take other times and places (api/timed-lines.ts), before every step.
 */
import { type FaceViews, faceViews, ghostCoefficients } from '../model/faces.js'
import { paddedLengthOf } from '../model/grid.js'
import { type RingLayout, ringLayout, SlotFiller } from '../model/side-ring.js'
import type { Problem } from '../options/problem.js'
import { scaleAt } from '../options/fields.js'
import { fillSource, prepareLines } from './timed-lines.js'

/** Steps of source weights one chunk may hold. */
export const kWeightRing = 4096

/**
 * The first run of a march with side data of t: its slots are filled before it starts, the next run's
 * (twice as long, up to half the ring) while it runs.
 */
const kFirstChunk = 4

/** The time mapping of one march: step n of the solver ends at base + (n + 1 − step0)·dt. */
interface March {
  readonly base: number
  readonly step0: number
  readonly dt: number
}

export class TimedData {
  readonly #problem: Problem
  readonly #fields: readonly [Float64Array, Float64Array]
  readonly #faces: FaceViews | null
  readonly #source: Float64Array | null
  /** The shared ring of per-step source weights, or null when the source does not vary in time. */
  readonly weights: Float64Array | null
  /** The side ring (explicit steps whose side data are functions), or null. */
  readonly ring: { readonly layout: RingLayout; readonly ring: SharedArrayBuffer } | null
  readonly #slots: Float64Array | null
  readonly #filler: SlotFiller | null
  /** The next run's most steps in this march: small at first, so that the workers start soon. */
  #chunk = kFirstChunk
  /** Something must be written before every step: a source f(x, y, t), or side functions under Crank–Nicolson. */
  readonly #perStep: boolean
  #march: March | null = null
  /** Solver steps [from, to) whose slots hold the current march's data. */
  #filled = { from: 0, to: 0 }

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
    const explicit = problem.method === 'explicit'
    const layout = explicit ? ringLayout(problem.grid, problem.sides, problem.ghosts) : null
    const buffer = layout === null ? null : new SharedArrayBuffer(layout.slots * layout.slotLength * 8)
    this.ring = layout === null ? null : { layout, ring: buffer! }
    this.#slots = buffer === null ? null : new Float64Array(buffer)
    this.#filler =
      layout === null ? null : new SlotFiller(problem.grid, problem.sides, layout, this.#faces ?? problem.diffusivity)
    const sidesVary = Object.values(problem.sides).some((s) => s.varying === true)
    this.#perStep = problem.sourceAt !== null || (!explicit && sidesVary)
  }

  /** The faces buffer's views (a variable α; under Crank–Nicolson also mirror sides' data of t), or null. */
  get faces(): FaceViews | null {
    return this.#faces
  }

  /** The most steps the next run may take: half the side ring, so the other half can be filled meanwhile. */
  get chunk(): number {
    if (this.#perStep) return 1
    if (this.ring !== null) return Math.min(this.#chunk, this.weights === null ? Infinity : kWeightRing)
    return this.weights !== null ? kWeightRing : Infinity
  }

  /**
   * Fills what a run of `steps` steps needs, the run's step k being at t = base + (first + k)·dt (as the
   * solver counts time within an advance), reading field `parity`; `step` is the solver's step count at
   * the run's start (the side ring is indexed by it). Returns the steps ready to run: fewer than `steps`
   * when a side function fails at a later step.
   */
  prepare(base: number, first: number, dt: number, steps: number, parity: 0 | 1, step: number): number {
    if (this.#problem.method === 'crank-nicolson') {
      const data = { fields: this.#fields, faces: this.#faces, source: this.#source, weights: this.weights }
      prepareLines(this.#problem, data, { base, first, dt, steps, parity, perStep: this.#perStep })
      return steps
    }
    const { sourceScale, sourceAt } = this.#problem
    if (this.weights !== null && sourceScale !== null) {
      for (let k = 0; k < steps; k++) this.weights[k] = dt * scaleAt(sourceScale, base + (first + k) * dt)
    }
    let ready = steps
    if (this.#slots !== null) {
      this.#begin({ base, step0: step - first, dt })
      try {
        this.#fill(step, step + steps)
      } catch (error) {
        // The steps before the failing one run; the failing one is prepared again by the next run, and fails.
        ready = this.#filled.to - step
        if (ready <= 0) throw error
      }
      this.#chunk = Math.min(2 * this.#chunk, this.ring!.layout.slots / 2)
    }
    if (sourceAt !== null && this.#source !== null) fillSource(this.#problem, sourceAt, base + first * dt, this.#source)
    return ready
  }

  /**
   * While the run of solver steps up to `from` is in flight: fills the side ring for up to `count` later
   * steps of the same march (never more than half the ring, so no slot of the run is touched). A side
   * function that throws here is not reported: the step that needs that slot evaluates it again, in
   * `prepare`, and fails there.
   */
  ahead(from: number, count: number): void {
    if (this.#slots === null || this.#march === null || this.#perStep) return
    try {
      this.#fill(from, from + Math.min(count, this.#chunk))
    } catch {
      this.#filled = { from: this.#filled.from, to: Math.min(this.#filled.to, from) }
    }
  }

  /** After a run, at time t: the faces' ghost cells of varying mirror sides take their values at t (what the residual of a steady run reads). */
  settle(t: number): void {
    if (this.#slots === null || this.#faces === null) return
    ghostCoefficients(this.#problem.grid, this.#problem.sides, this.#faces, t, true)
  }

  /**
   * A march starts at time `base` at solver step `step0` with steps of `dt`; another time mapping than the
   * last drops what the slots hold (and the chunks start small again).
   */
  begin(base: number, step0: number, dt: number): void {
    this.#begin({ base, step0, dt })
  }

  #begin(march: March): void {
    const m = this.#march
    if (m !== null && m.base === march.base && m.step0 === march.step0 && m.dt === march.dt) return
    this.#march = march
    this.#filled = { from: 0, to: 0 }
    this.#chunk = kFirstChunk
  }

  /** Makes the slots of solver steps [from, to) hold the current march's data. */
  #fill(from: number, to: number): void {
    const { layout } = this.ring!
    const { base, step0, dt } = this.#march!
    const f = this.#filled
    // Keep the filled window contiguous; a gap (or a jump back) starts it afresh.
    if (from < f.from || from > f.to) this.#filled = { from, to: from }
    for (let n = this.#filled.to; n < to; n++) {
      const slot = this.#slots!.subarray(
        (n % layout.slots) * layout.slotLength,
        ((n % layout.slots) + 1) * layout.slotLength,
      )
      this.#filler!.fill(slot, base + (n - step0 + 1) * dt)
      this.#filled = { from: Math.max(this.#filled.from, n + 1 - layout.slots), to: n + 1 }
    }
  }
}
