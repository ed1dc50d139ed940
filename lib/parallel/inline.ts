/**
 * A gang of one that runs in the calling thread: the same backend run loop, control block and outcome as a
 * one-worker Gang, without starting a worker. Used where the caller already is a worker (a sweep's pool
 * worker runs a threads-per-job = 1 job here): each run blocks this thread until it ends, so it is never
 * used on the main thread. Faults surface as the run's rejection; a stop or abort must come from another
 * thread writing the control block (or from terminating this thread).
 */
import { WorkerError } from '../api/errors.js'
import { prepareOwnRows } from './band.js'
import { kAbortNow, kNonFinite, kStopRequest } from './control.js'
import type { RunRequest, RunOutcome, WorkerInit } from './protocol.js'
import type { Lockstep, RunResult } from './gang.js'
import { runnerFor } from './runners.js'
import type { StepSpec } from '../steppers/schedule.js'

export class InlineGang implements Lockstep {
  readonly #init: WorkerInit
  readonly #control: Int32Array
  readonly #run: (request: RunRequest<StepSpec>) => RunOutcome
  #failure: WorkerError | null = null

  private constructor(init: WorkerInit, run: (request: RunRequest<StepSpec>) => RunOutcome) {
    this.#init = init
    this.#control = new Int32Array(init.control)
    this.#run = run
  }

  /** Loads the backend's run loop for the one band `init` describes. */
  static async start(init: WorkerInit): Promise<InlineGang> {
    const run = await (await runnerFor(init))(init)
    prepareOwnRows(init)
    return new InlineGang(init, run)
  }

  get size(): number {
    return 1
  }

  get failure(): WorkerError | null {
    return this.#failure
  }

  run(steps: number, parity: 0 | 1, stencil: StepSpec, baseStep: number): Promise<RunResult> {
    if (this.#failure !== null) return Promise.reject(this.#failure)
    try {
      const outcome = this.#run({ type: 'run', steps, first: baseStep, parity, stencil })
      return Promise.resolve({ steps: outcome.steps })
    } catch (error) {
      const { start, end } = this.#init.band
      const message = error instanceof Error ? error.message : String(error)
      this.#failure = new WorkerError(
        `the in-thread run (rows ${start}–${end - 1}) failed near step ${baseStep}: ${message}`,
        'in-thread',
        [start, end - 1],
        0,
        { cause: error },
      )
      return Promise.reject(this.#failure)
    }
  }

  abortNow(): void {
    Atomics.store(this.#control, kStopRequest, kAbortNow)
  }

  clearStop(): void {
    Atomics.store(this.#control, kStopRequest, 0)
  }

  takeNonFinite(): number | null {
    const flag = Atomics.exchange(this.#control, kNonFinite, 0)
    return flag === 0 ? null : flag - 1
  }

  terminate(): Promise<void> {
    return Promise.resolve()
  }
}
