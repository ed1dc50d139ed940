/**
 * Parameter sweeps: many independent `solve()` jobs over a pool of workers (threads.js), the job model
 * of Python's `multiprocessing.Pool.map`: a queue ordered largest job first, each job handed to
 * whichever worker is free, a failing job isolated, a dead worker replaced.
 *
 *     const outcomes = await sweep([0.5, 1, 2].map((diffusivity) => ({ ...base, diffusivity })))
 *     for (const o of outcomes) if (o.status === 'fulfilled') console.log(o.value.t)
 */
import os from 'node:os'

import { kLiveTaskWorkers, type TaskInput, TaskPool, type TaskOutcome } from '../parallel/tasks.js'
import type { TaskFault } from '../parallel/task-worker.js'
import { AbortError } from './errors.js'
import { jobCost, jobRows, prepareJob } from './jobs.js'
import type { SolveOptions, SolveResult } from './types.js'

/** One job's outcome, shaped as in `Promise.allSettled`. */
export type SweepOutcome = PromiseSettledResult<SolveResult>

/** An outcome with the index of its job, as `sweepIterator` yields them (in completion order). */
export type SweepEntry = SweepOutcome & { index: number }

/** Passed to `onProgress` as each job finishes. */
export interface SweepProgress {
  /** Jobs finished (fulfilled or rejected). */
  done: number
  total: number
  /** Wall-clock seconds since the sweep began. */
  seconds: number
  /** Estimated seconds left, from the mean time per finished job (Infinity before the first). */
  eta: number
}

/** Options of one sweep on a `SweepPool`. */
export interface SweepRunOptions {
  /** Solver threads per job. @default 1 */
  threadsPerJob?: number
  /** Aborting rejects the sweep with an `AbortError` and terminates (and replaces) the workers running its jobs. */
  signal?: AbortSignal
  /** Called on the main thread as each job finishes, with its index in `jobs`. */
  onResult?: (index: number, outcome: SweepOutcome) => void
  /** Called on the main thread as each job finishes. */
  onProgress?: (progress: SweepProgress) => void
}

/** Options of `new SweepPool()`. */
export interface SweepPoolOptions {
  /** Pool workers, each running one job at a time. @default os.availableParallelism() */
  workers?: number
}

/** Options of `sweep()` and `sweepIterator()`, which use a pool of their own. */
export interface SweepOptions extends SweepRunOptions, SweepPoolOptions {}

/** Test hook, not API: `options[kSweepFaults]` maps a job index to the deaths ('exit', 'uncaught') of its worker, one per attempt. */
export const kSweepFaults = Symbol.for('calor.sweepFaults')
export { kLiveTaskWorkers }

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`${name} must be an integer >= 1, got ${String(value)}`)
  }
  return value
}

function checkRunOptions(options: SweepRunOptions): number {
  const { signal, onResult, onProgress } = options
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`options.signal must be an AbortSignal, got ${typeof signal}`)
  }
  for (const [name, value] of [
    ['onResult', onResult],
    ['onProgress', onProgress],
  ] as const) {
    if (value !== undefined && typeof value !== 'function') {
      throw new TypeError(`options.${name} must be a function, got ${typeof value}`)
    }
  }
  return positiveInteger('options.threadsPerJob', options.threadsPerJob, 1)
}

function toList(jobs: Iterable<SolveOptions>): SolveOptions[] {
  if (jobs === null || typeof (jobs as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`jobs must be an array or an iterable of SolveOptions, got ${typeof jobs}`)
  }
  return Array.from(jobs)
}

const abortError = (signal: AbortSignal) => new AbortError('The sweep was aborted', { cause: signal.reason })

/** `error` with the job's index in front of its message, so that a refused option names its job. */
function namingJob(error: unknown, index: number): unknown {
  if (error instanceof Error) error.message = `jobs[${index}]: ${error.message}`
  return error
}

type Settle = (index: number, outcome: TaskOutcome) => void

/** Reports each finished job (emit, onResult, onProgress) until `stopped` is set. */
function reporter(total: number, options: SweepRunOptions, emit: (entry: SweepEntry) => void) {
  const started = performance.now()
  let done = 0
  const report = {
    stopped: false,
    settle: (index: number, outcome: TaskOutcome) => {
      if (report.stopped) return
      const result: SweepOutcome =
        outcome.status === 'fulfilled' ? { status: 'fulfilled', value: outcome.value } : outcome
      const seconds = (performance.now() - started) / 1000
      done++
      emit({ index, ...result })
      options.onResult?.(index, result)
      options.onProgress?.({ done, total, seconds, eta: (seconds / done) * (total - done) })
    },
  }
  return report
}

/** A pool of sweep workers, kept across jobs and sweeps: `close()` (or `await using`) ends it. */
export class SweepPool implements AsyncDisposable {
  readonly workers: number
  readonly #tasks: TaskPool

  constructor(options: SweepPoolOptions = {}) {
    this.workers = positiveInteger('options.workers', options.workers, os.availableParallelism())
    this.#tasks = new TaskPool(this.workers)
  }

  /** Runs `jobs` and resolves with their outcomes in input order (`Promise.allSettled` shape). */
  async sweep(jobs: Iterable<SolveOptions>, options: SweepRunOptions = {}): Promise<SweepOutcome[]> {
    const outcomes: SweepOutcome[] = []
    await this.#run(jobs, options, ({ index, ...outcome }) => (outcomes[index] = outcome as SweepOutcome))
    return outcomes
  }

  /** Runs `jobs` and yields each outcome, with its job's index, as it finishes; leaving the loop early aborts the rest. */
  async *iterate(jobs: Iterable<SolveOptions>, options: SweepRunOptions = {}): AsyncGenerator<SweepEntry> {
    const stop = new AbortController()
    const signal = options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal])
    const buffer: SweepEntry[] = []
    let wake = () => {}
    let end: { error: unknown } | null | undefined
    const run = this.#run(jobs, { ...options, signal }, (entry) => (buffer.push(entry), wake()))
    void run
      .then(
        () => (end = null),
        (error: unknown) => (end = { error }),
      )
      .finally(() => wake())
    try {
      for (;;) {
        if (buffer.length > 0) yield buffer.shift()!
        else if (end === null) return
        else if (end !== undefined) throw end.error
        else await new Promise<void>((resolve) => (wake = resolve))
      }
    } finally {
      if (end === undefined) {
        stop.abort(new Error('the iteration was left early'))
        await run.catch(() => {})
      }
    }
  }

  async #run(jobs: Iterable<SolveOptions>, options: SweepRunOptions, emit: (entry: SweepEntry) => void): Promise<void> {
    const threads = checkRunOptions(options)
    const list = toList(jobs)
    const { signal } = options
    if (signal?.aborted) throw abortError(signal)
    const group = {}
    const report = reporter(list.length, options, emit)
    const pending = this.#submitAll(list, threads, group, options, report.settle)
    let onAbort = () => {}
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        report.stopped = true
        void this.#tasks.abort(group, signal?.reason).then(() => reject(abortError(signal!)))
      }
    })
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      await Promise.race([Promise.all(pending), aborted])
      // An abort settles the dropped jobs at once, so `pending` may win the race: the abort still decides.
      if (report.stopped) await aborted
    } catch (error) {
      report.stopped = true
      if (!(error instanceof AbortError)) await this.#tasks.abort(group, error)
      throw error
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }

  /** Queues every job at once (so that the largest goes first); each promise settles when its job is reported. */
  #submitAll(list: SolveOptions[], threads: number, group: object, options: SweepRunOptions, settle: Settle) {
    const faults = (options as Record<symbol, ReadonlyMap<number, TaskFault[]> | undefined>)[kSweepFaults]
    const entries = list.map((job, index) => this.#input(job, index, threads, group, faults?.get(index)))
    const inputs = entries.filter((e): e is TaskInput => !('status' in e))
    const outcomes = this.#tasks.runAll(inputs)
    const refused = entries.flatMap((e, index) => ('status' in e ? [Promise.resolve(e).then((o) => settle(index, o))] : [])) // prettier-ignore
    return [...refused, ...outcomes.map((outcome, k) => outcome.then((o) => settle(inputs[k].index, o)))]
  }

  /** The job for the task pool, or its rejected outcome if it is refused at once. */
  #input(
    job: SolveOptions,
    index: number,
    threads: number,
    group: object,
    faults?: TaskFault[],
  ): TaskInput | TaskOutcome {
    try {
      const cost = jobCost(job)
      const prepare = () => {
        try {
          return prepareJob(job)
        } catch (error) {
          throw namingJob(error, index)
        }
      }
      return { index, prepare, cost, rows: jobRows(job), threads, group, faults }
    } catch (error) {
      return { status: 'rejected', reason: namingJob(error, index) }
    }
  }

  /** Terminates every worker (jobs still queued are rejected) and resolves once all have exited. */
  close(): Promise<void> {
    return this.#tasks.close()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}

/** A one-shot pool for `jobs`: no more workers than jobs. */
function oneShotPool(jobs: Iterable<SolveOptions>, options: SweepOptions): [SweepPool, SolveOptions[]] {
  const list = toList(jobs)
  const workers = positiveInteger('options.workers', options.workers, os.availableParallelism())
  return [new SweepPool({ workers: Math.max(1, Math.min(workers, list.length)) }), list]
}

/**
 * Solves every job in `jobs` (an array or iterable of `solve()` options) on a pool of workers, and
 * resolves with their outcomes in input order, shaped as in `Promise.allSettled`. Functions in a job
 * (`initial`, `source`) are evaluated on this thread first; `signal` and `onProgress` belong to the
 * sweep, not to a job, and a job that has them is rejected.
 */
export async function sweep(jobs: Iterable<SolveOptions>, options: SweepOptions = {}): Promise<SweepOutcome[]> {
  const [pool, list] = oneShotPool(jobs, options)
  try {
    return await pool.sweep(list, options)
  } finally {
    await pool.close()
  }
}

/** As `sweep()`, but yields each outcome (with its job's index) as it finishes, so a long study can be saved as it goes. */
export async function* sweepIterator(
  jobs: Iterable<SolveOptions>,
  options: SweepOptions = {},
): AsyncGenerator<SweepEntry> {
  const [pool, list] = oneShotPool(jobs, options)
  try {
    yield* pool.iterate(list, options)
  } finally {
    await pool.close()
  }
}
