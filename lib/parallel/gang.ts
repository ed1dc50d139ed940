/**
 * The gang: a set of named, persistent workers that advance in lockstep on shared memory. Started once
 * per Solver and reused for every run; a worker that fails rejects the run with a WorkerError and stops
 * the others. The gang knows no stepper: it counts the barrier releases of the run's Schedule. A warm
 * gang (solve()'s and a Solver's) takes its workers from the warm pool (pool.ts) and gives them back when it ends
 * healthy; any other starts its own and ends them.
 */
import type { Worker } from 'node:worker_threads'

import { WorkerError } from '../api/errors.js'
import { type Schedule, type StepSpec, stepsAfter } from '../steppers/schedule.js'
import { abandon, kAbortNow, kGeneration, kNonFinite, kStopRequest, trackControlBlock } from './control.js'
import { giveWorker, startWorker, takeWorker } from './pool.js'
import type { PoolRequest, RunRequest, WorkerInit, WorkerReply } from './protocol.js'

/** What the solver needs of a gang: the worker Gang here, or the in-thread InlineGang (inline.ts). */
export interface Lockstep {
  readonly size: number
  readonly failure: WorkerError | null
  run(steps: number, parity: 0 | 1, stencil: StepSpec, baseStep: number): Promise<RunResult>
  abortNow(): void
  clearStop(): void
  /** Steps completed after the first non-finite one in the last run (see Gang), or null; clears the flag. */
  takeNonFinite(): number | null
  terminate(): Promise<void>
}

/** What a run did: the steps every worker completed (the fields hold exactly that state). */
export interface RunResult {
  steps: number
}

interface PendingRun {
  replies: number
  steps: number
  baseStep: number
  /** The barrier generation when the run was posted: each release since then is a completed step. */
  generation: number
  resolve: (result: RunResult) => void
  reject: (error: Error) => void
}

/** A gang's listeners on one of its workers, removed when the worker goes back to the pool. */
interface Listeners {
  message(reply: WorkerReply): void
  error(error: Error): void
  exit(code: number): void
}
/**
 * How long an abort may wait for the workers to reach the barrier before they are terminated, per step
 * of a round: a temporal block of k steps is always finished (k sweeps of a band), a plain step is not.
 */
const kAbortGraceMs = 1000

/**
 * Test hook, not API: `Gang[kLiveWorkers]` is a Map from every running worker of every pool to
 * its name (`calor-worker-N`), so a test can kill one mid-run or check that none is left.
 */
export const kLiveWorkers = Symbol.for('calor.liveWorkers')
const liveWorkers = new Map<Worker, string>()

export class Gang implements Lockstep {
  readonly #inits: readonly WorkerInit[]
  readonly #control: Int32Array
  readonly #schedule: Schedule
  readonly #workers: Worker[]
  readonly #listeners: Listeners[] = []
  readonly #warm: boolean
  /** Unregisters the control block from the exit hook (control.ts) once every worker is gone. */
  readonly #untrack: () => void
  #pending: PendingRun | null = null
  #failure: WorkerError | null = null
  #closing = false
  #terminated: Promise<void> | null = null

  private constructor(inits: readonly WorkerInit[], control: Int32Array, schedule: Schedule, warm: boolean) {
    this.#inits = inits
    this.#warm = warm
    this.#control = control
    this.#schedule = schedule
    this.#untrack = trackControlBlock(control)
    this.#workers = inits.map((init, k) => this.#spawn(init, k))
  }

  /**
   * Starts one worker per init and resolves when every one has loaded its kernel. If `signal` fires
   * first, the workers are terminated and the promise rejects (the caller turns that into an AbortError).
   * `warm`: the workers come from the warm pool and go back to it (see terminate()).
   */
  static async start(
    inits: readonly WorkerInit[],
    control: Int32Array,
    schedule: Schedule,
    signal?: AbortSignal,
    warm = false,
  ): Promise<Gang> {
    const pool = new Gang(inits, control, schedule, warm)
    const onAbort = () => void pool.terminate()
    signal?.addEventListener('abort', onAbort)
    try {
      await new Promise<RunResult>((resolve, reject) => {
        pool.#pending = { replies: 0, steps: 0, baseStep: 0, generation: 0, resolve, reject }
      })
    } catch (error) {
      await pool.terminate()
      throw error
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
    return pool
  }

  /** Workers in the gang. */
  get size(): number {
    return this.#workers.length
  }

  get failure(): WorkerError | null {
    return this.#failure
  }

  /** A worker for band k (from the warm pool, or a new one), handed its band. */
  #spawn(init: WorkerInit, k: number): Worker {
    const worker = this.#warm ? takeWorker() : startWorker()
    liveWorkers.set(worker, init.name)
    const listeners: Listeners = {
      message: (reply) => this.#onReply(k, reply),
      error: (error) => this.#fail(k, error.message, error),
      exit: (code) => {
        liveWorkers.delete(worker)
        if (!this.#closing) this.#fail(k, `exited unexpectedly with code ${code}`)
      },
    }
    this.#listeners[k] = listeners
    worker.on('message', listeners.message).on('error', listeners.error).on('exit', listeners.exit)
    worker.postMessage({ type: 'init', init } satisfies PoolRequest)
    return worker
  }

  #onReply(k: number, reply: WorkerReply): void {
    const run = this.#pending
    if (reply.type === 'error')
      return this.#fail(k, reply.message, Object.assign(new Error(reply.message), { stack: reply.stack }), 1)
    if (run === null || reply.type === 'abandoned') return
    if (reply.type === 'done') run.steps = reply.steps
    if (++run.replies === this.#workers.length) {
      this.#pending = null
      for (const w of this.#workers) w.unref()
      run.resolve({ steps: run.steps })
    }
  }

  /** Steps every worker has completed in the pending run, from the barrier releases since it was posted. */
  #releases(run: PendingRun, bumps = 0): number {
    // The generation is an Int32 that wraps; the unsigned difference is exact for runs under 2³² steps.
    const releases = (Atomics.load(this.#control, kGeneration) - run.generation - bumps) >>> 0
    return stepsAfter(this.#schedule, releases)
  }

  /**
   * Rejects the pending run, releases every waiter at the barrier and stops all workers. `step` is the
   * failing worker's count of completed steps; when it died without saying (exit, uncaught error),
   * the barrier releases since the run began count the steps everyone completed.
   */
  #fail(k: number, message: string, cause?: unknown, bumps = 0): void {
    if (this.#failure !== null || this.#closing) return
    // k = -1: no single worker is to blame (an abort the workers did not honour); name them all.
    const { name, band } =
      k >= 0
        ? this.#inits[k]
        : {
            name: this.#inits.map((i) => i.name).join(', '),
            band: { start: this.#inits[0].band.start, end: this.#inits.at(-1)!.band.end },
          }
    const run = this.#pending
    // `bumps`: generations added by the failing worker's own abandon(), which are not steps.
    const done = run === null ? 0 : this.#releases(run, bumps)
    const at = run === null ? '' : ` at step ${run.baseStep + done}`
    const rows = [band.start, band.end - 1] as const
    this.#failure = new WorkerError(`${name} (rows ${rows[0]}–${rows[1]}) failed${at}: ${message}`, name, rows, done, {
      cause,
    })
    abandon(this.#control)
    this.#pending = null
    void this.terminate()
    run?.reject(this.#failure)
  }

  /**
   * Runs `steps` steps on every worker; resolves with the steps completed (fewer after a stop or an
   * abort). `baseStep` only numbers the steps in error messages.
   */
  run(steps: number, parity: 0 | 1, stencil: StepSpec, baseStep: number): Promise<RunResult> {
    if (this.#failure !== null) return Promise.reject(this.#failure)
    if (this.#pending !== null) return Promise.reject(new Error('a run is already in progress'))
    return new Promise<RunResult>((resolve, reject) => {
      const generation = Atomics.load(this.#control, kGeneration)
      this.#pending = { replies: 0, steps: 0, baseStep, generation, resolve, reject }
      const request: RunRequest<StepSpec> = { type: 'run', steps, first: baseStep, parity, stencil }
      for (const w of this.#workers) {
        w.ref()
        w.postMessage(request)
      }
    })
  }

  /**
   * Aborts the run in progress: workers drop the plain step they are in (within a slice of rows), or
   * finish the temporal block they are in, and all report the same count of completed steps, whose
   * state the fields hold.
   */
  abortNow(): void {
    const run = this.#pending
    if (run === null) return
    Atomics.store(this.#control, kStopRequest, kAbortNow)
    // A healthy worker sees the request within a slice of rows, or at the end of its temporal block.
    // One stuck outside the barrier (a hung worker) would keep the others waiting forever: past the
    // grace period, stop them all.
    const grace = kAbortGraceMs * this.#schedule.steps
    const timer = setTimeout(() => {
      if (this.#pending === run) this.#fail(-1, `did not stop within ${grace} ms of the abort`)
    }, grace)
    timer.unref()
  }

  clearStop(): void {
    Atomics.store(this.#control, kStopRequest, 0)
  }

  /**
   * If a worker saw a non-finite value in the last run, how many of the steps completed came after the
   * first bad one (0 with plain steps; up to k − 1 in a temporal block of k), else null. Clears the flag.
   */
  takeNonFinite(): number | null {
    const flag = Atomics.exchange(this.#control, kNonFinite, 0)
    return flag === 0 ? null : flag - 1
  }

  /**
   * Ends the gang. A warm one that is healthy (no run in progress, no failure) gives its workers back to
   * the warm pool; otherwise every worker is stopped and the promise resolves when all have exited. Any run
   * in progress is abandoned.
   */
  terminate(): Promise<void> {
    if (this.#terminated === null) {
      this.#closing = true
      const healthy = this.#pending === null && this.#failure === null
      this.#terminated = this.#warm && healthy ? this.#release() : this.#stop()
    }
    return this.#terminated
  }

  #release(): Promise<void> {
    this.#untrack()
    const given = this.#workers.map((worker, k) => {
      const listeners = this.#listeners[k]
      worker.off('message', listeners.message).off('error', listeners.error).off('exit', listeners.exit)
      liveWorkers.delete(worker)
      return giveWorker(worker)
    })
    return Promise.all(given).then(() => {})
  }

  #stop(): Promise<void> {
    abandon(this.#control)
    const run = this.#pending
    this.#pending = null
    run?.reject(this.#failure ?? new Error('the solver was closed while a run was in progress'))
    return Promise.all(this.#workers.map((w) => w.terminate())).then(() => this.#untrack())
  }
}

Object.defineProperty(Gang, kLiveWorkers, { value: liveWorkers })
