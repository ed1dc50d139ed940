/**
 * A set of named, persistent workers that advance in lockstep. Started once per Solver and reused
 * for every run; a worker that fails rejects the run with a WorkerError and stops the others.
 */
import { Worker } from 'node:worker_threads'

import { abandon, kAbortNow, kNonFinite, kStopRequest } from './barrier.js'
import { WorkerError } from './errors.js'
import type { RunRequest, WorkerInit, WorkerReply } from './protocol.js'
import type { StencilSpec } from './stencil.js'

/** What a run did: steps every worker completed, and whether an abort left the fields at mixed time levels. */
export interface RunResult {
  steps: number
  lost: boolean
}

interface PendingRun {
  replies: number
  steps: number
  lost: boolean
  baseStep: number
  resolve: (result: RunResult) => void
  reject: (error: Error) => void
}

const kWorkerUrl = new URL('./worker.js', import.meta.url)

export class WorkerPool {
  readonly #inits: readonly WorkerInit[]
  readonly #control: Int32Array
  readonly #workers: Worker[]
  #pending: PendingRun | null = null
  #failure: WorkerError | null = null
  #closing = false

  private constructor(inits: readonly WorkerInit[], control: Int32Array) {
    this.#inits = inits
    this.#control = control
    this.#workers = inits.map((init, k) => this.#spawn(init, k))
  }

  /** Starts one worker per init and resolves when every one has loaded its kernel. */
  static async start(inits: readonly WorkerInit[], control: Int32Array): Promise<WorkerPool> {
    const pool = new WorkerPool(inits, control)
    await new Promise<RunResult>((resolve, reject) => {
      pool.#pending = { replies: 0, steps: 0, lost: false, baseStep: 0, resolve, reject }
    })
    return pool
  }

  get failure(): WorkerError | null {
    return this.#failure
  }

  #spawn(init: WorkerInit, k: number): Worker {
    const worker = new Worker(kWorkerUrl, { name: init.name, workerData: init })
    worker.on('message', (reply: WorkerReply) => this.#onReply(k, reply))
    worker.on('error', (error) => this.#fail(k, error.message, error))
    worker.on('exit', (code) => {
      if (!this.#closing) this.#fail(k, `exited unexpectedly with code ${code}`)
    })
    return worker
  }

  #onReply(k: number, reply: WorkerReply): void {
    const run = this.#pending
    if (reply.type === 'error')
      return this.#fail(k, reply.message, Object.assign(new Error(reply.message), { stack: reply.stack }), reply.step)
    if (run === null || reply.type === 'abandoned') return
    if (reply.type === 'done') [run.steps, run.lost] = [reply.steps, run.lost || reply.lost]
    if (++run.replies === this.#workers.length) {
      this.#pending = null
      for (const w of this.#workers) w.unref()
      run.resolve({ steps: run.steps, lost: run.lost })
    }
  }

  /** Rejects the pending run, releases every waiter at the barrier and stops all workers. */
  #fail(k: number, message: string, cause?: unknown, step?: number): void {
    if (this.#failure !== null || this.#closing) return
    const { name, band } = this.#inits[k]
    const at = this.#pending === null ? '' : ` at step ${this.#pending.baseStep + (step ?? 0)}`
    const rows = [band.start, band.end - 1] as const
    this.#failure = new WorkerError(
      `${name} (rows ${rows[0]}–${rows[1]}) failed${at}: ${message}`,
      name,
      rows,
      step ?? 0,
      { cause },
    )
    abandon(this.#control)
    const run = this.#pending
    this.#pending = null
    void this.terminate()
    run?.reject(this.#failure)
  }

  /**
   * Runs `steps` steps on every worker; resolves with the steps completed (fewer after a stop or
   * abort request). `baseStep` only numbers the steps in error messages.
   */
  run(steps: number, parity: 0 | 1, stencil: StencilSpec, baseStep: number): Promise<RunResult> {
    if (this.#failure !== null) return Promise.reject(this.#failure)
    if (this.#pending !== null) return Promise.reject(new Error('a run is already in progress'))
    return new Promise<RunResult>((resolve, reject) => {
      this.#pending = { replies: 0, steps: 0, lost: false, baseStep, resolve, reject }
      const request: RunRequest = { type: 'run', steps, parity, stencil }
      for (const w of this.#workers) {
        w.ref()
        w.postMessage(request)
      }
    })
  }

  /**
   * Aborts the run in progress: workers drop the step they are in (within a slice of rows) and all
   * report the same count of completed steps, whose state the fields still hold.
   */
  abortNow(): void {
    if (this.#pending !== null) Atomics.store(this.#control, kStopRequest, kAbortNow)
  }

  clearStop(): void {
    Atomics.store(this.#control, kStopRequest, 0)
  }

  /** True if a worker saw a non-finite value in the last run; clears the flag. */
  takeNonFinite(): boolean {
    return Atomics.exchange(this.#control, kNonFinite, 0) === 1
  }

  /** Stops every worker; resolves when all have exited. Any run in progress is abandoned. */
  async terminate(): Promise<void> {
    this.#closing = true
    abandon(this.#control)
    const run = this.#pending
    this.#pending = null
    run?.reject(this.#failure ?? new Error('the solver was closed while a run was in progress'))
    await Promise.all(this.#workers.map((w) => w.terminate()))
  }
}
