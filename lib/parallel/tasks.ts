/**
 * The task pool behind sweeps: threads.js workers (`spawn` over `expose`d task-worker.ts), a queue
 * ordered by estimated cost (largest first, so that a long job is not left for last), each job handed
 * to whichever worker is free, and fault handling: a worker that dies is replaced, its job retried
 * once on a fresh worker and then rejected with a WorkerError that names the job.
 *
 * Why not threads.js's own `Pool`: its queue is first-in first-out, a task whose worker dies never
 * settles, a dead worker is not replaced, and a queued task cannot be dropped for one sweep only. A worker with an uncaught error is
 * kept alive by threads.js and its pending call never settles either; see startSlot. Why
 * not threads.js's `Worker` class: it installs SIGINT/SIGTERM handlers that end the process with
 * status 0 (which would break `calor run`'s clean Ctrl-C), and it does not report a worker's exit. So
 * workers are `node:worker_threads` Workers, wrapped in the small interface `spawn` expects.
 */
import { createRequire } from 'node:module'
import { Worker as NodeWorker } from 'node:worker_threads'

import { AbortError, CheckpointError, NonFiniteError, StabilityError, WorkerError } from '../api/errors.js'
import type { SolveOptions, SolveResult } from '../api/types.js'
import type { EncodedError, TaskFault, TaskMessage, TaskReply } from './task-worker.js'

const kWorkerScript = new URL('./task-worker.js', import.meta.url)
/** How long a new worker may take to load the library and call `expose()`. */
const kStartTimeoutMs = 30_000
/** A job runs on at most this many workers: the first, and one retry on a fresh worker. */
const kMaxAttempts = 2

/** Test hook, not API: `TaskPool[kLiveTaskWorkers]` is the Set of every pool worker not yet exited. */
export const kLiveTaskWorkers = Symbol.for('calor.liveTaskWorkers')
const liveWorkers = new Set<NodeWorker>()

/** A job for the pool: `group` is the sweep it belongs to (abort drops a whole group). */
export interface TaskInput {
  readonly index: number
  /** Turns the job into data for the worker (evaluating its functions); called at dispatch, so only running jobs hold arrays. */
  readonly prepare: () => SolveOptions
  readonly cost: number
  /** The job's grid rows, which a WorkerError about it names. */
  readonly rows: readonly [number, number]
  readonly threads: number
  readonly group: object
  /** Tests only: one death per attempt, in turn, of the worker running this job, before running it. */
  readonly faults?: readonly TaskFault[]
}

/** How a task ended; `seconds` is the job's wall time in the worker, `roundTrip` from dispatch to reply. */
export type TaskOutcome =
  | { status: 'fulfilled'; value: SolveResult; seconds: number; roundTrip: number }
  | { status: 'rejected'; reason: unknown }

interface Task extends TaskInput {
  readonly order: number
  job?: SolveOptions
  attempts: number
  faultsLeft: TaskFault[]
  settle(outcome: TaskOutcome): void
}

interface RunThread {
  run(message: TaskMessage): Promise<TaskReply>
}

interface Slot {
  readonly name: string
  readonly worker: NodeWorker
  readonly thread: RunThread
  /** Resolves with a description when the worker exits or reports an uncaught error. */
  readonly died: Promise<string>
  /** Resolves when the worker has exited. */
  readonly exited: Promise<void>
  task: Task | null
  /** Terminated on purpose (abort, close): its death is not a fault. */
  retired: boolean
}

/** The part of threads.js used here (its package exports no types for ESM, so they are stated). */
interface Threads {
  spawn(worker: unknown, options: { timeout: number }): Promise<unknown>
}
let threadsModule: Threads | undefined

/**
 * threads.js, imported on first use. Its main module installs SIGINT/SIGTERM handlers that call
 * process.exit(0); they act only on workers made by its own Worker class, which is not used here,
 * so they are removed again, and the caller's own signal handling stays in charge.
 */
function loadThreads(): Threads {
  if (threadsModule !== undefined) return threadsModule
  const signals = ['SIGINT', 'SIGTERM'] as const
  const before = signals.map((signal) => process.listeners(signal))
  threadsModule = createRequire(import.meta.url)('threads') as Threads
  signals.forEach((signal, k) => {
    for (const listener of process.listeners(signal)) if (!before[k].includes(listener)) process.off(signal, listener)
  })
  return threadsModule
}

/** The Web-Worker-like face of a Node worker that threads.js `spawn` talks to. */
function webWorkerFace(worker: NodeWorker) {
  type Listener = (event: { data: unknown }) => void
  const wrapped = new Map<Listener, (data: unknown) => void>()
  return {
    postMessage: (data: unknown, transfer?: readonly ArrayBuffer[]) => worker.postMessage(data, transfer as never),
    addEventListener(type: string, listener: Listener) {
      const inner = (data: unknown) => listener({ data })
      wrapped.set(listener, inner)
      worker.on(type, inner)
    },
    removeEventListener(type: string, listener: Listener) {
      const inner = wrapped.get(listener)
      if (inner !== undefined) worker.off(type, inner)
      wrapped.delete(listener)
    },
    terminate: () => worker.terminate(),
  }
}

/** Starts one worker and waits for its `expose()`; rejects if it dies or does not answer in time. */
async function startSlot(name: string): Promise<Slot> {
  const { spawn } = loadThreads()
  const worker = new NodeWorker(kWorkerScript, { name })
  liveWorkers.add(worker)
  let died!: (reason: string) => void
  const death = new Promise<string>((resolve) => (died = resolve))
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      liveWorkers.delete(worker)
      died(`exited with code ${code}`)
      resolve()
    }),
  )
  worker.on('error', (error) => died(`failed: ${error.message}`))
  // threads.js keeps an uncaught error from ending the worker, and after start-up its master side only
  // passes the report on as a plain message, which no pending call sees: treat it as a death.
  worker.on('message', (data: { type?: unknown; error?: { message?: unknown } } | null) => {
    if (data?.type === 'uncaughtError') died(`had an uncaught error: ${String(data.error?.message)}`)
  })
  const dead = death.then((reason) => Promise.reject(new Error(`the pool worker ${name} ${reason} while starting`)))
  try {
    const thread = await Promise.race([spawn(webWorkerFace(worker), { timeout: kStartTimeoutMs }), dead])
    return { name, worker, thread: thread as unknown as RunThread, died: death, exited, task: null, retired: false }
  } catch (error) {
    await worker.terminate()
    throw error
  }
}

function build(encoded: EncodedError): Error {
  const { name, message, fields: f } = encoded
  switch (name) {
    case 'StabilityError':
      return new StabilityError(message, f.limit as number)
    case 'NonFiniteError':
      return new NonFiniteError(message, f.step as number, f.node as [number, number])
    case 'WorkerError':
      return new WorkerError(message, f.worker as string, f.rows as [number, number], f.step as number)
    case 'CheckpointError':
      return new CheckpointError(message, f.path as string)
    case 'AbortError':
      return new AbortError(message)
    case 'TypeError':
      return new TypeError(message)
    case 'RangeError':
      return new RangeError(message)
    default: {
      const error = new Error(message)
      error.name = name
      return error
    }
  }
}

/** The error a job threw in its worker, with the worker's stack. */
export function reviveError(encoded: EncodedError): Error {
  const error = build(encoded)
  if (encoded.stack !== undefined) error.stack = encoded.stack
  return error
}

function abortError(reason: unknown): AbortError {
  return new AbortError('The sweep was aborted', { cause: reason })
}

/** A pool of `size` task workers, started on first use and kept until `close()`. */
export class TaskPool {
  readonly size: number
  readonly #slots: Slot[] = []
  /** Largest cost first; equal costs in submission order. */
  readonly #queue: Task[] = []
  #starting = 0
  #order = 0
  #names = 0
  #closed = false
  /** Workers still starting, or dead or replaced and still shutting down: close() waits for them too. */
  readonly #exiting = new Set<Promise<void>>()

  constructor(size: number) {
    this.size = size
  }

  /** Queues jobs (all before any is dispatched, so the largest goes first); each promise settles, never rejects. */
  runAll(inputs: readonly TaskInput[]): Promise<TaskOutcome>[] {
    const outcomes = inputs.map((input) => {
      if (this.#closed)
        return Promise.resolve<TaskOutcome>({ status: 'rejected', reason: new Error('The SweepPool is closed') })
      return new Promise<TaskOutcome>((settle) => {
        this.#enqueue({ ...input, order: this.#order++, attempts: 0, faultsLeft: [...(input.faults ?? [])], settle })
      })
    })
    this.#fill()
    this.#pump()
    return outcomes
  }

  #enqueue(task: Task, front = false): void {
    const before = (t: Task) => t.cost < task.cost || (t.cost === task.cost && t.order > task.order)
    const at = front ? 0 : this.#queue.findIndex(before)
    this.#queue.splice(at === -1 ? this.#queue.length : at, 0, task)
  }

  /** Starts workers until there are `size` of them (or starting), while there is work. */
  #fill(): void {
    while (!this.#closed && this.#slots.length + this.#starting < this.size && this.#queue.length > 0) {
      this.#starting++
      const start = startSlot(`calor-task-${++this.#names}`).then(
        (slot) => this.#adopt(slot),
        (error: unknown) => this.#startFailed(error),
      )
      this.#track(start)
    }
  }

  /** Keeps `settling` in #exiting until it settles (it never rejects), so that close() can wait for it. */
  #track(settling: Promise<void>): void {
    this.#exiting.add(settling)
    void settling.then(() => this.#exiting.delete(settling))
  }

  #adopt(slot: Slot): void {
    this.#starting--
    if (this.#closed) {
      slot.retired = true
      this.#track(slot.exited)
      void slot.worker.terminate()
      return
    }
    this.#slots.push(slot)
    void slot.died.then((reason) => this.#onDeath(slot, reason))
    this.#pump()
  }

  /** No worker could be started: with none left to run them, the queued jobs fail with that error. */
  #startFailed(error: unknown): void {
    this.#starting--
    if (this.#slots.length > 0 || this.#starting > 0) return
    for (const task of this.#queue.splice(0)) task.settle({ status: 'rejected', reason: error })
  }

  /** Hands queued jobs to idle workers. */
  #pump(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return
      if (slot.task === null && !slot.retired) void this.#dispatch(slot, this.#queue.shift()!)
    }
  }

  async #dispatch(slot: Slot, task: Task): Promise<void> {
    slot.task = task
    try {
      task.job ??= task.prepare()
    } catch (error) {
      slot.task = null
      task.settle({ status: 'rejected', reason: error })
      return this.#pump()
    }
    task.attempts++
    const fault = task.faultsLeft.shift()
    const started = performance.now()
    const died = slot.died.then(() => null)
    const reply = await Promise.race([slot.thread.run({ job: task.job, threads: task.threads, fault }), died])
    if (reply === null || slot.task !== task) return // a death: #onDeath (or abort/close) settles the task
    slot.task = null
    const roundTrip = (performance.now() - started) / 1000
    if (reply.ok) task.settle({ status: 'fulfilled', value: reply.result, seconds: reply.seconds, roundTrip })
    else task.settle({ status: 'rejected', reason: reviveError(reply.error) })
    this.#pump()
  }

  /** A worker died: replace it; retry its job once on a fresh worker, then reject it naming the job. */
  #onDeath(slot: Slot, reason: string): void {
    this.#slots.splice(this.#slots.indexOf(slot), 1)
    const task = slot.task
    slot.task = null
    if (!slot.retired) {
      slot.retired = true
      void slot.worker.terminate()
    }
    this.#track(slot.exited)
    if (task !== null && task.attempts < kMaxAttempts) this.#enqueue(task, true)
    else if (task !== null) {
      const message = `job ${task.index}: the pool worker ${slot.name} ${reason}, on ${task.attempts} attempts`
      task.settle({ status: 'rejected', reason: new WorkerError(message, slot.name, task.rows, 0) })
    }
    this.#fill()
    this.#pump()
  }

  /** Terminates `slots` on purpose, settling their jobs with `reason`, and resolves once they have exited. */
  async #retire(slots: Slot[], reason: unknown): Promise<void> {
    const exits = slots.map((slot) => {
      slot.retired = true
      slot.task?.settle({ status: 'rejected', reason })
      slot.task = null
      return slot.worker.terminate()
    })
    await Promise.all(exits)
  }

  /**
   * Drops a sweep: its queued jobs and the workers running its jobs, which are terminated (a job in a
   * worker cannot receive an AbortSignal) and replaced, so the pool stays usable.
   */
  async abort(group: object, reason: unknown): Promise<void> {
    const error = abortError(reason)
    for (let k = this.#queue.length - 1; k >= 0; k--) {
      if (this.#queue[k].group === group) this.#queue.splice(k, 1)[0].settle({ status: 'rejected', reason: error })
    }
    await this.#retire(
      this.#slots.filter((slot) => slot.task?.group === group),
      error,
    )
  }

  /** Rejects queued jobs, terminates every worker and resolves once all have exited. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true
    const error = new Error('The SweepPool was closed before the job ran')
    for (const task of this.#queue.splice(0)) task.settle({ status: 'rejected', reason: error })
    await this.#retire(this.#slots.splice(0), error)
    // A worker that finishes starting now is terminated by #adopt, which adds its exit to #exiting.
    while (this.#exiting.size > 0) await Promise.all([...this.#exiting])
  }
}

Object.defineProperty(TaskPool, kLiveTaskWorkers, { value: liveWorkers })
