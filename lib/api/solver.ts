/**
 * The solver: allocates the shared fields once, starts the workers once, and advances them in chunks
 * between which it reports progress and honours abort. The main thread never blocks: it waits for
 * worker messages.
 */
import { createControlBlock } from './barrier.js'
import { kCheckpointOptionKeys, planRun } from './checkpoint.js'
import { AbortError, NonFiniteError, WorkerError } from './errors.js'
import { framesObservers } from './frames.js'
import { type Grid, packField, paddedLengthOf, strideOf, unpackField } from './grid.js'
import { jsKernel } from './kernel.js'
import { evolvingCount, evolvingNodes, ghostRowJobs, stencilSpec } from './layout.js'
import {
  checkStable,
  describe,
  integerAtLeast,
  positiveNumber,
  type Problem,
  stepsFor,
  validateOptions,
} from './options.js'
import type { Snapshot, StepObserver } from './observer.js'
import { type Band, partitionRows } from './partition.js'
import { WorkerPool } from './pool.js'
import type { WorkerInit } from './protocol.js'
import type { AdvanceOptions, Progress, SolveOptions, SolveResult, SolveStats } from './types.js'

/** Target wall time between progress reports. */
const kProgressSeconds = 0.1
/** The most steps in one request to the workers, so that barrier generations (Int32) count them exactly. */
const kMaxChunk = 2 ** 30

/** Where a resumed solver starts: a saved field (nx·ny), its step and its time. */
export interface StartState {
  readonly field: Float64Array
  readonly step: number
  readonly t: number
}

/** What one `advance()` did. */
export interface AdvanceResult {
  steps: number
  dt: number
  t: number
  stats: SolveStats
}

/** The signal that fires when either does (AbortSignal.any needs Node 20.3). */
function anySignal(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  return a === undefined ? b : b === undefined ? a : AbortSignal.any([a, b])
}

function abortError(signal: AbortSignal): AbortError {
  return new AbortError('The solve was aborted', { cause: signal.reason })
}

/** Allocates both halo-padded fields on SharedArrayBuffers, fills them with the initial state and its ghosts. */
function allocateFields(problem: Problem): [Float64Array, Float64Array] {
  const length = paddedLengthOf(problem.grid)
  const a = new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT))
  packField(problem.grid, problem.initial, a)
  const stepper = jsKernel.stencil(stencilSpec(problem, 0))
  const stride = strideOf(problem.grid)
  // A zero-coefficient step of every row rewrites the same values and refreshes the ghost columns.
  const all = problem.grid.ny
  const copy = new Float64Array(a)
  stepper.step(copy.subarray(0, (all + 2) * stride), a.subarray(stride, (all + 1) * stride), new Float64Array(0), all)
  for (const g of ghostRowJobs(problem)) {
    jsKernel.fillGhostRow(
      a.subarray(g.target * stride, (g.target + 1) * stride),
      a.subarray(g.from * stride, (g.from + 1) * stride),
      g.offset,
    )
  }
  const b = new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT))
  b.set(a)
  return [a, b]
}

function workerInits(
  problem: Problem,
  fields: [Float64Array, Float64Array],
  source: SharedArrayBuffer | null,
  control: Int32Array,
): WorkerInit[] {
  const e = evolvingNodes(problem)
  const parties = Math.min(problem.threads, e.lastRow - e.firstRow + 1)
  const bands = partitionRows(e.firstRow, e.lastRow, parties)
  const jobs = ghostRowJobs(problem)
  const k = blockSteps(problem, bands)
  return bands.map((band, p) => ({
    name: `calor-worker-${p + 1}`,
    parties,
    backend: problem.backend,
    fields: [fields[0].buffer as SharedArrayBuffer, fields[1].buffer as SharedArrayBuffer],
    source,
    control: control.buffer as SharedArrayBuffer,
    stride: strideOf(problem.grid),
    band,
    ghostRows: jobs
      .filter((j) => j.owner >= band.start && j.owner < band.end)
      .map(({ target, from, offset }) => ({ target, from, offset })),
    blocking: [k, p > 0 ? 1 : 0, p + 1 < bands.length ? bands[p + 1].end : 0] as const,
  }))
}

/** Cache one worker may fill (a little below one core's L2 on the machines we measured). */
const kCacheBytes = 1.5 * (1 << 20)

/**
 * Steps per pass over memory for the native backend. Bands that fit in cache gain nothing; large
 * ones are swept once per k steps, with the rows in flight (about k + 3 per buffer) kept in cache.
 * Blocking needs bands of at least 2k rows, and is off on a periodic y axis (its ghost rows join the
 * first and last bands).
 */
function blockSteps(problem: Problem, bands: readonly Band[]): number {
  if (problem.backend !== 'native' || problem.grid.periodicY) return 1
  const rowBytes = strideOf(problem.grid) * Float64Array.BYTES_PER_ELEMENT
  const rows = bands.map((b) => b.end - b.start)
  const fit = Math.floor(Math.min(...rows) / 2)
  let k = problem.temporalBlocking
  if (k === 'auto') {
    const bandFits = 2 * Math.max(...rows) * rowBytes <= kCacheBytes
    k = bandFits ? 1 : Math.max(2, Math.min(8, Math.floor(kCacheBytes / (2 * rowBytes)) - 3))
  }
  return Math.max(1, Math.min(k, fit))
}

function sharedSource(problem: Problem): SharedArrayBuffer | null {
  if (problem.source === null) return null
  const padded = new Float64Array(new SharedArrayBuffer(paddedLengthOf(problem.grid) * Float64Array.BYTES_PER_ELEMENT))
  packField(problem.grid, problem.source, padded)
  return padded.buffer as SharedArrayBuffer
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
  readonly #problem: Problem
  readonly #fields: [Float64Array, Float64Array]
  readonly #pool: WorkerPool
  readonly #threads: number
  /** Temporal blocking is on: a run cut short inside a block leaves mixed time levels. */
  readonly #blocked: boolean
  readonly #observers: StepObserver[]
  #parity: 0 | 1 = 0
  #step = 0
  #t = 0
  #busy = false
  #closed = false
  /** An abort cut a temporal block short: the buffers hold mixed time levels. */
  #lost = false

  private constructor(
    problem: Problem,
    fields: [Float64Array, Float64Array],
    pool: WorkerPool,
    threads: number,
    observers: StepObserver[],
    blocked: boolean,
  ) {
    this.#blocked = blocked
    this.#problem = problem
    this.#observers = observers
    // The solver's own signal ends it for good (it could never advance again): once no run is in
    // progress, the workers go. The field stays readable. An advance() signal only stops that call.
    problem.signal?.addEventListener('abort', () => void (this.#busy ? undefined : this.#pool.terminate()), {
      once: true,
    })
    this.#fields = fields
    this.#pool = pool
    this.#threads = threads
  }

  /** Validates the options, allocates shared memory and starts the workers. `steps`/`tEnd` are taken by `advance()`. */
  static async create(options: SolveOptions): Promise<Solver> {
    const problem = validateOptions(options, false, ['frames'])
    return Solver.fromProblem(problem, await framesObservers(problem, options.frames))
  }

  /** @internal `start` resumes from a saved field, step and time instead of the problem's initial field. */
  static async fromProblem(problem: Problem, observers: StepObserver[] = [], start?: StartState): Promise<Solver> {
    if (problem.signal?.aborted) throw abortError(problem.signal)
    const fields = allocateFields(start === undefined ? problem : { ...problem, initial: start.field })
    const control = createControlBlock()
    const inits = workerInits(problem, fields, sharedSource(problem), control)
    const pool = await WorkerPool.start(inits, control, problem.signal).catch((error: unknown) => {
      throw problem.signal?.aborted ? abortError(problem.signal) : error
    })
    const solver = new Solver(problem, fields, pool, inits.length, observers, inits[0].blocking[0] > 1)
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
    return this.#threads
  }

  /** A copy of the current field: nx·ny values, node (i, j) at j·nx + i. */
  field(): Float64Array {
    this.#checkNotLost('Solver.field()')
    return unpackField(this.#problem.grid, this.#fields[this.#parity])
  }

  /**
   * Advances by `steps` steps of the configured dt, or up to the absolute time `tEnd` in equal steps
   * no larger than the configured dt, landing exactly on it. Rejects with an AbortError if the
   * solver's signal fires; the field then holds the state after the last completed step.
   */
  async advance(options: AdvanceOptions): Promise<AdvanceResult> {
    if (this.#closed) throw new Error('Solver.advance(): the solver is closed')
    this.#checkNotLost('Solver.advance()')
    if (this.#pool.failure !== null) throw this.#pool.failure
    if (this.#busy) throw new Error('Solver.advance(): another advance() is still running; await it first')
    const plan = this.#plan(options)
    this.#busy = true
    try {
      return await this.#march(plan.steps, plan.dt, plan.landOn, plan.signal)
    } finally {
      this.#busy = false
      if (this.#problem.signal?.aborted) await this.#pool.terminate()
    }
  }

  #plan(options: AdvanceOptions): { steps: number; dt: number; landOn: number | undefined; signal?: AbortSignal } {
    const o = options as Record<string, unknown> | undefined
    if (typeof o !== 'object' || o === null || (o.steps === undefined) === (o.tEnd === undefined)) {
      throw new TypeError('Solver.advance() takes { steps } or { tEnd }, exactly one of them')
    }
    if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
      throw new TypeError(`advance.signal must be an AbortSignal, got ${describe(o.signal)}`)
    }
    const signal = anySignal(o.signal as AbortSignal | undefined, this.#problem.signal)
    if (o.steps !== undefined) {
      return { steps: integerAtLeast('advance.steps', o.steps, 0), dt: this.#problem.dt, landOn: undefined, signal }
    }
    const tEnd = positiveNumber('advance.tEnd', o.tEnd)
    if (tEnd < this.#t) throw new RangeError(`advance.tEnd (${tEnd}) is before the current time ${this.#t}`)
    if (tEnd === this.#t) return { steps: 0, dt: this.#problem.dt, landOn: tEnd, signal }
    const { steps, dt } = stepsFor(tEnd - this.#t, this.#problem.dt)
    checkStable('advance.tEnd step', dt, this.#problem.dtLimit)
    return { steps, dt, landOn: tEnd, signal }
  }

  async #march(steps: number, dt: number, landOn: number | undefined, signal?: AbortSignal): Promise<AdvanceResult> {
    const { onProgress } = this.#problem
    const [t0, step0, started] = [this.#t, this.#step, performance.now()]
    const stencil = stencilSpec(this.#problem, dt)
    const seconds = () => (performance.now() - started) / 1000
    // On abort the workers drop the step in progress at once and report the steps all of them
    // completed, whose field is intact; the solver stays usable.
    const onAbort = () => this.#pool.abortNow()
    signal?.addEventListener('abort', onAbort)
    try {
      await this.#notify('start', dt)
      let done = 0
      let chunk = onProgress === undefined ? steps : Math.max(1, Math.floor(1e7 / evolvingCount(this.#problem)))
      while (done < steps) {
        if (signal?.aborted) throw abortError(signal)
        const observed = this.#nextObserved()
        const want = Math.min(chunk, steps - done, observed - this.#step, kMaxChunk)
        const { steps: got, lost } = await this.#pool.run(want, this.#parity, stencil, this.#step).catch((error) => {
          // The steps every worker completed before a failure are kept: with plain steps the buffer they
          // wrote is intact; inside a temporal block it is not, and the field is then reported lost.
          if (error instanceof WorkerError) this.#record(error.step, t0 + (done + error.step) * dt)
          if (error instanceof WorkerError && this.#blocked) this.#lost = true
          throw signal?.aborted ? abortError(signal) : error
        })
        if (lost) this.#lost = true
        done += got
        this.#record(got, done === steps && landOn !== undefined ? landOn : t0 + done * dt)
        if (this.#pool.takeNonFinite()) throw this.#nonFiniteError()
        if (got < want && signal?.aborted) throw abortError(signal)
        if (done < steps && this.#step === observed) await this.#notify('step', dt)
        onProgress?.({ step: done, steps, t: this.#t, seconds: seconds() } satisfies Progress)
        chunk = Math.max(1, Math.round((kProgressSeconds * done) / Math.max(seconds(), 1e-6)))
      }
      if (landOn !== undefined) this.#t = landOn
      await this.#notify('end', dt)
      return { steps: this.#step - step0, dt, t: this.#t, stats: this.#stats(steps, seconds()) }
    } finally {
      signal?.removeEventListener('abort', onAbort)
      this.#pool.clearStop()
    }
  }

  /** The next step any observer wants to see. */
  #nextObserved(): number {
    let next = Infinity
    for (const o of this.#observers) next = Math.min(next, o.nextStep(this.#step))
    return next
  }

  async #notify(kind: Snapshot['kind'], dt: number): Promise<void> {
    if (this.#observers.length === 0) return
    const snapshot: Snapshot = {
      step: this.#step,
      t: this.#t,
      dt,
      grid: this.#problem.grid,
      kind,
      field: () => this.field(),
    }
    for (const o of this.#observers) await o.observe(snapshot)
  }

  #checkNotLost(what: string): void {
    if (this.#lost) {
      throw new Error(
        `${what}: the field was lost when a run was aborted inside a temporal block; create a new Solver (temporalBlocking: 1 keeps the field after an abort)`,
      )
    }
  }

  #nonFiniteError(): NonFiniteError {
    const field = this.field()
    const k = field.findIndex((v) => !Number.isFinite(v))
    const { nx } = this.#problem.grid
    const node = [k % nx, Math.floor(k / nx)] as const
    const message = `the field became non-finite at step ${this.#step}: node (${node[0]}, ${node[1]}) is ${field[k]}`
    return new NonFiniteError(message, this.#step, node)
  }

  #record(steps: number, t: number): void {
    this.#step += steps
    this.#t = t
    if (steps % 2 === 1) this.#parity = this.#parity === 0 ? 1 : 0
  }

  #stats(steps: number, seconds: number): SolveStats {
    const updates = evolvingCount(this.#problem) * steps
    const { backend } = this.#problem
    return { seconds, updatesPerSecond: seconds > 0 ? updates / seconds : 0, threads: this.#threads, backend }
  }

  /** Stops the workers and releases them. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#pool.terminate()
    for (const o of this.#observers) await o.close?.()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}

/** Solves the heat equation ∂u/∂t = ∇·(α∇u) + f from `initial` for `steps` steps or up to `tEnd`. */
export async function solve(options: SolveOptions): Promise<SolveResult> {
  const problem = validateOptions(options, true, ['frames', ...kCheckpointOptionKeys])
  const plan = await planRun(problem, options)
  const frames = await framesObservers(problem, options.frames)
  const solver = await Solver.fromProblem(plan.problem, [...plan.observers, ...frames], plan.start)
  try {
    const run = await solver.advance(plan.advance)
    const { nx, ny } = problem.grid
    const { t, steps } = plan.result ?? run
    return { field: solver.field(), nx, ny, t, steps, dt: run.dt, stats: run.stats }
  } finally {
    await solver.close()
  }
}
