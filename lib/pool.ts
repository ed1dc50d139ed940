/**
 * A set of named, persistent workers that advance in lockstep. Started once per Solver and reused
 * for every run; a worker that fails rejects the run with a WorkerError and stops the others.
 */
import { Worker } from 'node:worker_threads'

import { abandon, kGeneration, kStopRequest } from './barrier.js'
import { WorkerError } from './errors.js'
import type { RunRequest, WorkerInit, WorkerReply } from './protocol.js'
import type { StencilSpec } from './stencil.js'

interface PendingRun {
  replies: number
  steps: number
  baseStep: number
  /** The barrier generation when the run was posted: each release since then is a completed step. */
  generation: number
  resolve: (steps: number) => void
  reject: (error: Error) => void
}

const kWorkerUrl = new URL('./worker.js', import.meta.url)

/**
 * Test hook, not API: `WorkerPool[kLiveWorkers]` is a Map from every running worker of every pool to
 * its name (`calor-worker-N`), so a test can kill one mid-run or check that none is left.
 */
export const kLiveWorkers = Symbol.for('calor.liveWorkers')
const liveWorkers = new Map<Worker, string>()

export class WorkerPool {
  readonly #inits: readonly WorkerInit[]
  readonly #control: Int32Array
  readonly #workers: Worker[]
  #pending: PendingRun | null = null
  #failure: WorkerError | null = null
  #closing = false
  #terminated: Promise<void> | null = null

  private constructor(inits: readonly WorkerInit[], control: Int32Array) {
    this.#inits = inits
    this.#control = control
    this.#workers = inits.map((init, k) => this.#spawn(init, k))
  }

  /**
   * Starts one worker per init and resolves when every one has loaded its kernel. If `signal` fires
   * first, the workers are terminated and the promise rejects (the caller turns that into an AbortError).
   */
  static async start(inits: readonly WorkerInit[], control: Int32Array, signal?: AbortSignal): Promise<WorkerPool> {
    const pool = new WorkerPool(inits, control)
    const onAbort = () => void pool.terminate()
    signal?.addEventListener('abort', onAbort)
    try {
      await new Promise<number>((resolve, reject) => {
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

  get failure(): WorkerError | null {
    return this.#failure
  }

  #spawn(init: WorkerInit, k: number): Worker {
    const worker = new Worker(kWorkerUrl, { name: init.name, workerData: init })
    liveWorkers.set(worker, init.name)
    worker.on('message', (reply: WorkerReply) => this.#onReply(k, reply))
    worker.on('error', (error) => this.#fail(k, error.message, error))
    worker.on('exit', (code) => {
      liveWorkers.delete(worker)
      if (!this.#closing) this.#fail(k, `exited unexpectedly with code ${code}`)
    })
    return worker
  }

  #onReply(k: number, reply: WorkerReply): void {
    const run = this.#pending
    if (reply.type === 'error')
      return this.#fail(k, reply.message, Object.assign(new Error(reply.message), { stack: reply.stack }), reply.step)
    if (run === null || reply.type === 'abandoned') return
    run.steps = reply.type === 'done' ? reply.steps : 0
    if (++run.replies === this.#workers.length) {
      this.#pending = null
      for (const w of this.#workers) w.unref()
      run.resolve(run.steps)
    }
  }

  /** Steps every worker has completed in the pending run: the barrier releases since it was posted. */
  #releases(run: PendingRun): number {
    // The generation is an Int32 that wraps; the unsigned difference is exact for runs under 2³² steps.
    return (Atomics.load(this.#control, kGeneration) - run.generation) >>> 0
  }

  /**
   * Rejects the pending run, releases every waiter at the barrier and stops all workers. `step` is the
   * failing worker's count of completed steps; when it died without saying (exit, uncaught error),
   * the barrier releases since the run began count the steps everyone completed.
   */
  #fail(k: number, message: string, cause?: unknown, step?: number): void {
    if (this.#failure !== null || this.#closing) return
    const { name, band } = this.#inits[k]
    const run = this.#pending
    const done = step ?? (run === null ? 0 : this.#releases(run))
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
   * Runs `steps` steps on every worker; resolves with the steps completed (fewer if a stop was
   * requested). `baseStep` only numbers the steps in error messages.
   */
  run(steps: number, parity: 0 | 1, stencil: StencilSpec, baseStep: number): Promise<number> {
    if (this.#failure !== null) return Promise.reject(this.#failure)
    if (this.#pending !== null) return Promise.reject(new Error('a run is already in progress'))
    return new Promise<number>((resolve, reject) => {
      const generation = Atomics.load(this.#control, kGeneration)
      this.#pending = { replies: 0, steps: 0, baseStep, generation, resolve, reject }
      const request: RunRequest = { type: 'run', steps, parity, stencil }
      for (const w of this.#workers) {
        w.ref()
        w.postMessage(request)
      }
    })
  }

  /** Asks the workers to stop after the step in progress; they all stop at the same step. */
  requestStop(): void {
    Atomics.store(this.#control, kStopRequest, 1)
  }

  clearStop(): void {
    Atomics.store(this.#control, kStopRequest, 0)
  }

  /**
   * Stops now, without waiting for the step in progress to reach the barrier: abandons the barrier,
   * terminates every worker and resolves the pending run with the steps all workers completed. The
   * field those steps produced is intact: workers only ever write the other buffer, and once the
   * barrier is abandoned nobody starts another step. Used on abort; the pool cannot run again.
   */
  halt(): Promise<void> {
    const run = this.#pending
    if (run !== null && this.#failure === null) {
      // The count is read after the barrier is abandoned: a release that slips in before that is a
      // completed step whose workers then stop, so it counts; abandon() itself bumps the generation once.
      this.#pending = null
      abandon(this.#control)
      run.resolve((this.#releases(run) - 1) >>> 0)
    }
    return this.terminate()
  }

  /** Stops every worker; resolves when all have exited. Any run in progress is abandoned. */
  terminate(): Promise<void> {
    if (this.#terminated === null) {
      this.#closing = true
      abandon(this.#control)
      const run = this.#pending
      this.#pending = null
      run?.reject(this.#failure ?? new Error('the solver was closed while a run was in progress'))
      this.#terminated = Promise.all(this.#workers.map((w) => w.terminate())).then(() => undefined)
    }
    return this.#terminated
  }
}

Object.defineProperty(WorkerPool, kLiveWorkers, { value: liveWorkers })
