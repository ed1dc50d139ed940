/**
 * The solver: allocates the shared fields once, starts the gang of workers once, and advances them in
 * chunks that end where a tracker wants a snapshot; between chunks it honours abort. The main thread
 * never blocks: it waits for worker messages.
 */
import { applyFixed, evolvingCount } from '../model/boundary/index.js'
import { checkNode, type Grid, paddedIndex, samePeriodicAxes, unitLengthOf } from '../model/grid.js'
import { compactInPlace, unpackField } from '../model/field.js'
import type { Problem, StartState, SteadyGoal } from '../options/problem.js'
import { validateOptions } from '../options/validate.js'
import type { Lockstep } from '../parallel/gang.js'
import type { Stepper } from '../steppers/stepper.js'
import { framesTrackers } from '../trackers/frames.js'
import { ProbesTracker } from '../trackers/probes.js'
import { ProgressTracker } from '../trackers/progress.js'
import type { Snapshot, Tracker } from '../trackers/tracker.js'
import { vtkTrackers } from '../trackers/vtk.js'
import { AbortError, nonFiniteError, WorkerError } from './errors.js'
import { type AdvancePlan, planAdvance } from './advance.js'
import { type Started, startGang } from './start.js'
import { runSteady, steadyResidual } from './steady.js'
import type { TimedData } from './timed.js'
import { checkChanges } from './changes.js'
import type { AdvanceOptions, ProbesResult, SolveOptions, SolverChanges, SolverOptions, SolveStats } from './types.js'

/** The most steps in one request to the workers, so that barrier generations (Int32) count them exactly. */
const kMaxChunk = 2 ** 30

/** What one `advance()` did. */
export interface AdvanceResult {
  steps: number
  dt: number
  t: number
  stats: SolveStats
  /** Steady runs: the residual reached. */
  residual?: number
}

/**
 * Solvers that were never closed: once one is garbage-collected its gang is terminated (workers are
 * threads with their own heaps; without this, each forgotten solver would keep them), and the process
 * is warned once, since `close()` (or `await using`) is the way to release them promptly.
 */
let warnedUnclosed = false
const unclosed = new FinalizationRegistry((gang: Lockstep) => {
  void gang.terminate()
  if (!warnedUnclosed) {
    warnedUnclosed = true
    process.emitWarning('A calor Solver was garbage-collected without close(); its workers were released', {
      code: 'CALOR_UNCLOSED_SOLVER',
      detail: 'Call solver.close() when done, or declare it with `await using` (Node 22+).',
    })
  }
})

export function abortError(signal: AbortSignal): AbortError {
  return new AbortError('The solve was aborted', { cause: signal.reason })
}

/**
 * A heat-equation solver with persistent workers: create once, advance many times, close.
 *
 *     const solver = await Solver.create({ grid: { nx: 257, ny: 257 }, initial: (x, y) => ... })
 *     await solver.advance({ steps: 100 })
 *     const u = solver.field()
 *     await solver.close()
 */
export class Solver implements AsyncDisposable {
  #problem: Problem
  #fields: [Float64Array, Float64Array]
  #gang: Lockstep
  #stepper: Stepper
  #timed: TimedData
  /** A failure inside a temporal block, or inside ADI's second phase, leaves mixed time levels. */
  #blocked: boolean
  /** The buffers swap roles every step (not for ADI, whose step ends where it began). */
  #swaps: boolean
  readonly #trackers: Tracker[]
  readonly #probes: ProbesTracker | undefined
  /** The options of Solver.create(), which set() re-validates with its changes. */
  #options: SolveOptions | undefined
  #parity: 0 | 1 = 0
  #step = 0
  #t = 0
  /** The time base of the current stretch of equal steps: step n ends at t + (n + 1 − step)·dt. */
  #clock: { t: number; step: number; dt: number } | null = null
  #busy = false
  #closed = false
  /** A worker failed inside a temporal block: the buffers hold mixed time levels. */
  #lost = false

  private constructor(problem: Problem, started: Started, trackers: Tracker[]) {
    this.#problem = problem
    this.#fields = started.fields
    this.#gang = started.gang
    this.#stepper = started.stepper
    this.#timed = started.timed
    this.#trackers = trackers
    this.#probes = trackers.find((t) => t instanceof ProbesTracker)
    this.#blocked = started.schedule.steps > 1 || !started.schedule.swaps
    this.#swaps = started.schedule.swaps
    this.#adopt(problem, started)
    // The solver's own signal ends it for good (it could never advance again): once no run is in
    // progress, the workers go. The field stays readable. An advance() signal only stops that call.
    problem.signal?.addEventListener('abort', () => void (this.#busy ? undefined : this.#gang.terminate()), {
      once: true,
    })
  }

  /** Validates the options, allocates shared memory and starts the workers. `steps`/`tEnd` are taken by `advance()`. */
  static async create(options: SolverOptions): Promise<Solver> {
    // Its workers come from the warm pool and go back to it on close(), as solve()'s do.
    const solver = await Solver.fromProblem(validateOptions(options as SolveOptions, false), [], undefined, false, true)
    solver.#options = options as SolveOptions
    return solver
  }

  /** Takes over a started gang (and the problem it runs). */
  #adopt(problem: Problem, started: Started): void {
    unclosed.unregister(this)
    this.#problem = problem
    this.#fields = started.fields
    this.#gang = started.gang
    this.#stepper = started.stepper
    this.#timed = started.timed
    // A failure inside a temporal block, or inside ADI's second phase (which overwrites uⁿ), loses the field.
    this.#blocked = started.schedule.steps > 1 || !started.schedule.swaps
    this.#swaps = started.schedule.swaps
    this.#parity = 0
    unclosed.register(this, started.gang, this)
  }

  /**
   * Changes the boundary conditions and/or the source between advances. They are re-validated with the
   * solver's other options; the workers then restart from the current field and time, whose Dirichlet
   * nodes take their new values at that time. The periodic axes cannot change (the grid would).
   */
  async set(changes: SolverChanges): Promise<void> {
    if (this.#closed) throw new Error('Solver.set(): the solver is closed')
    if (this.#busy) throw new Error('Solver.set(): an advance() or set() is still running; await it first')
    this.#checkNotLost('Solver.set()')
    if (this.#options === undefined) throw new Error('Solver.set(): only a solver from Solver.create() can be changed')
    const problem = validateOptions({ ...this.#options, ...checkChanges(changes) }, false)
    const [before, after] = [this.#problem.grid, problem.grid]
    if (!samePeriodicAxes(before, after)) {
      throw new TypeError('Solver.set(): options.boundary cannot change which axes are periodic; create a new Solver')
    }
    const field = this.field()
    applyFixed(problem.grid, problem.sides, field, undefined, this.#t)
    this.#busy = true
    try {
      const started = await startGang(problem, field, false, this.#t, true)
      await this.#gang.terminate()
      this.#adopt(problem, started)
      this.#options = { ...this.#options, ...changes }
    } finally {
      this.#busy = false
    }
  }

  /**
   * @internal A solver for a validated problem, with `extra` trackers before the problem's own, starting
   * from a saved field, step and time (`start`) instead of the problem's initial field; `inThread` runs a
   * one-band problem in the calling thread (see parallel/inline.ts); `warm` takes the workers from the warm
   * pool and gives them back on close (solve(), and Solver.create: a loop of create, advance and close then
   * starts no thread after the first).
   */
  static async fromProblem(
    problem: Problem,
    extra: Tracker[] = [],
    start?: StartState,
    inThread = false,
    warm = false,
  ): Promise<Solver> {
    if (problem.signal?.aborted) throw abortError(problem.signal)
    const outputs = [...(await framesTrackers(problem)), ...(await vtkTrackers(problem, start?.step))]
    const trackers = [...extra, ...outputs, ...problem.trackers]
    if (problem.probes !== undefined) trackers.push(new ProbesTracker(problem.probes))
    // Progress goes last, as onProgress always came after the other observers of a chunk.
    if (problem.onProgress !== undefined) {
      trackers.push(new ProgressTracker(problem.onProgress, evolvingCount(problem.grid, problem.sides)))
    }
    const started = await startGang(problem, start?.field, inThread, start?.t, warm).catch((error: unknown) => {
      throw problem.signal?.aborted ? abortError(problem.signal) : error
    })
    const solver = new Solver(problem, started, trackers)
    if (start !== undefined) [solver.#step, solver.#t] = [start.step, start.t]
    return solver
  }

  get grid(): Grid {
    return this.#problem.grid
  }
  /** Simulated time. */
  get t(): number {
    return this.#t
  }
  /** Steps taken since creation. */
  get step(): number {
    return this.#step
  }
  get threads(): number {
    return this.#gang.size
  }

  /**
   * @internal For `solve()`, once the solver is closed: the current field as an nx·ny view of its own
   * buffer, compacted in place (no copy, so a run's peak memory stays at its two fields). The solver
   * must not be used afterwards.
   */
  releaseField(): Float64Array {
    if (!this.#closed) throw new Error('internal: Solver.releaseField() needs a closed solver')
    this.#checkNotLost('solve()')
    return compactInPlace(this.#problem.grid, this.#fields[this.#parity])
  }

  /** The probes' time series so far (a copy), or undefined when the options gave no `probes`. */
  probes(): ProbesResult | undefined {
    return this.#probes?.result()
  }

  /** A copy of the current field: nx·ny values, node (i, j) at j·nx + i. */
  field(): Float64Array {
    this.#checkNotLost('Solver.field()')
    return unpackField(this.#problem.grid, this.#fields[this.#parity])
  }

  /**
   * @internal The current padded field itself (no copy: (ny + 2) padded rows, or (nz + 2) padded planes
   * in 3D, of `unit` values each; see model/grid.ts) and its unit length, for an MPI rank's halo exchange
   * between advances. Writes to it are what the next `advance()` starts from.
   */
  unitsView(): { field: Float64Array; unit: number } {
    if (this.#busy) throw new Error('Solver.unitsView(): an advance() is still running; await it first')
    this.#checkNotLost('Solver.unitsView()')
    return { field: this.#fields[this.#parity], unit: unitLengthOf(this.#problem.grid) }
  }

  /**
   * Advances by `steps` steps of the configured dt, or up to the absolute time `tEnd` in equal steps
   * no larger than the configured dt, landing exactly on it. Rejects with an AbortError if the
   * solver's signal fires; the field then holds the state after the last completed step.
   */
  async advance(options: AdvanceOptions): Promise<AdvanceResult> {
    if (this.#closed) throw new Error('Solver.advance(): the solver is closed')
    this.#checkNotLost('Solver.advance()')
    if (this.#gang.failure !== null) throw this.#gang.failure
    if (this.#busy) throw new Error('Solver.advance(): another advance() is still running; await it first')
    const plan = planAdvance(options, this.#problem, this.#t)
    this.#busy = true
    try {
      return await (plan.until === undefined ? this.#march(plan) : this.#steady(plan, plan.until))
    } finally {
      this.#busy = false
      if (this.#problem.signal?.aborted) await this.#gang.terminate()
    }
  }

  /** `edges`: tell the trackers where the call starts and ends (a steady run does that once, not per march). */
  async #march(plan: AdvancePlan, edges = true): Promise<AdvanceResult> {
    const { steps, dt, landOn, signal } = plan
    const [step0, started] = [this.#step, performance.now()]
    // Steps of the same dt go on from one time base, so that advancing in pieces takes the times (and
    // gives the bits) of one advance.
    const c = this.#clock
    if (c === null || c.dt !== dt || c.t + (step0 - c.step) * dt !== this.#t)
      this.#clock = { t: this.#t, step: step0, dt }
    const [t0, skip] = [this.#clock!.t, step0 - this.#clock!.step]
    const stencil = this.#stepper.stencil(this.#problem, dt)
    const seconds = () => (performance.now() - started) / 1000
    const notify = (kind: Snapshot['kind']) => this.#notify(kind, dt, { firstStep: step0, steps, seconds: seconds() })
    // On abort the workers drop the step in progress at once and report the steps all of them
    // completed, whose field is intact; the solver stays usable.
    const onAbort = () => this.#gang.abortNow()
    signal?.addEventListener('abort', onAbort)
    try {
      if (edges) await notify('start')
      this.#timed.begin(t0, step0 - skip, dt)
      let done = 0
      while (done < steps) {
        if (signal?.aborted) throw abortError(signal)
        const observed = this.#nextObserved()
        const most = Math.min(steps - done, observed - this.#step, kMaxChunk, this.#timed.chunk)
        const want = this.#timed.prepare(t0, skip + done, dt, most, this.#parity, this.#step)
        const running = this.#gang.run(want, this.#parity, stencil, this.#step)
        this.#timed.ahead(this.#step + want, steps - done - want) // the side ring's next slots, meanwhile
        const { steps: got } = await running.catch((error) => {
          // The steps every worker completed before a failure are kept: with plain steps the buffer they wrote is
          // intact; a worker failing inside a temporal block leaves mixed levels (field lost). An abort is no
          // failure: it ends the run after the block in progress, at a whole state.
          if (error instanceof WorkerError) this.#record(error.step, t0 + (skip + done + error.step) * dt)
          if (error instanceof WorkerError && this.#blocked) this.#lost = true
          throw signal?.aborted ? abortError(signal) : error
        })
        done += got
        this.#record(got, done === steps && landOn !== undefined ? landOn : t0 + (skip + done) * dt)
        this.#timed.settle(t0 + (skip + done) * dt)
        const later = this.#gang.takeNonFinite()
        if (later !== null) throw nonFiniteError(this.#problem.grid, this.field(), this.#step, later)
        if (got < want && signal?.aborted) throw abortError(signal)
        // The last step of a call is the 'end' snapshot; inside a steady run, calls are not the edges.
        if ((done < steps || !edges) && this.#step === observed) await notify('step')
      }
      if (landOn !== undefined) this.#t = landOn
      if (edges) await notify('end')
      return { steps: this.#step - step0, dt, t: this.#t, stats: this.#stats(steps, seconds()) }
    } finally {
      signal?.removeEventListener('abort', onAbort)
      this.#gang.clearStop()
    }
  }

  /** Runs to the steady state (see steady.ts), in marches of the plan's steps and time steps. */
  async #steady(plan: AdvancePlan, goal: SteadyGoal): Promise<AdvanceResult> {
    const [started, step0] = [performance.now(), this.#step]
    const scratch = new Float64Array(this.#fields[0].length)
    const seconds = () => (performance.now() - started) / 1000
    const run = () => ({ firstStep: step0, steps: Math.max(goal.maxSteps, this.#step - step0), seconds: seconds() })
    const driver = {
      march: async (steps: number, dt: number) =>
        void (await this.#march({ ...plan, steps, dt, landOn: undefined }, false)),
      residual: () => steadyResidual(this.#problem, this.#fields[this.#parity], scratch, this.#timed.faces, this.#t),
    }
    await this.#notify('start', plan.dt, run())
    const outcome = await runSteady(this.#problem, goal, driver)
    await this.#notify('end', outcome.dt, { ...run(), steps: outcome.steps })
    const stats = { ...this.#stats(outcome.steps, seconds()), residual: outcome.residual }
    return { steps: outcome.steps, dt: outcome.dt, t: this.#t, stats, residual: outcome.residual }
  }

  /** The next step any tracker wants to see. */
  #nextObserved(): number {
    let next = Infinity
    for (const t of this.#trackers) next = Math.min(next, t.nextStep(this.#step))
    return next
  }

  async #notify(kind: Snapshot['kind'], dt: number, run: Snapshot['run']): Promise<void> {
    if (this.#trackers.length === 0) return
    const { grid } = this.#problem
    const value = (i: number, j: number, k = 0) => this.#value(i, j, k)
    const snapshot: Snapshot = { step: this.#step, t: this.#t, dt, grid, kind, run, field: () => this.field(), value }
    for (const t of this.#trackers) await t.observe(snapshot)
  }

  #value(i: number, j: number, k: number): number {
    this.#checkNotLost('Snapshot.value()')
    const { grid } = this.#problem
    checkNode(grid, i, j, k, 'Snapshot.value')
    return this.#fields[this.#parity][paddedIndex(grid, i, j, k)]
  }

  #checkNotLost(what: string): void {
    if (this.#lost) {
      throw new Error(
        `${what}: the field was lost when a worker failed inside a temporal block; create a new Solver (temporalBlocking: 1 keeps the field after a worker failure)`,
      )
    }
  }

  #record(steps: number, t: number): void {
    this.#step += steps
    this.#t = t
    if (steps % 2 === 1 && this.#swaps) this.#parity = this.#parity === 0 ? 1 : 0
  }

  #stats(steps: number, seconds: number): SolveStats {
    const updates = evolvingCount(this.#problem.grid, this.#problem.sides) * steps
    const { backend } = this.#problem
    const [secondsPerStep, updatesPerSecond] = [steps > 0 ? seconds / steps : 0, seconds > 0 ? updates / seconds : 0]
    return { seconds, updatesPerSecond, threads: this.threads, backend, secondsPerStep }
  }

  /** Stops the workers and releases them, then closes every tracker. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    unclosed.unregister(this)
    await this.#gang.terminate()
    for (const t of this.#trackers) await t.close?.()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}
