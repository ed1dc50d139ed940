/**
 * The script of a sweep's pool worker (threads.js `expose`): runs one job at a time through the
 * adapter's `runJob` and answers with the result (its field transferred, not copied) or the job's own
 * error, encoded so that the main thread can rebuild its class.
 */
import { createRequire } from 'node:module'

import { runJob } from '../api/jobs.js'
import type { SolveOptions, SolveResult } from '../api/types.js'

/** The part of threads.js's worker side used here (its package exports no types for ESM, so they are stated). */
interface ThreadsWorker {
  expose(methods: Record<string, (...args: never[]) => unknown>): void
  Transfer(payload: unknown, transferables: ArrayBuffer[]): unknown
}
const { expose, Transfer } = createRequire(import.meta.url)('threads/worker') as ThreadsWorker

/** A test-only death of the worker running a task. */
export type TaskFault = 'exit' | 'uncaught'

/** What the main thread sends: the prepared job, its solver threads, and a test-only fault. */
export interface TaskMessage {
  job: SolveOptions
  threads: number
  /**
   * Tests only: before running, the worker exits (as a crash or `process.exit` in user code would), or
   * throws an uncaught error and never answers (threads.js keeps such a worker alive).
   */
  fault?: TaskFault
}

/** An error as data: its class name, message and the fields calor's error classes carry. */
export interface EncodedError {
  name: string
  message: string
  stack?: string
  fields: Record<string, unknown>
}

/** The worker's answer. `seconds` is the wall time of `runJob` inside the worker. */
export type TaskReply =
  { ok: true; result: SolveResult; seconds: number } | { ok: false; error: EncodedError; seconds: number }

/** The data fields of calor's errors (StabilityError.limit, NonFiniteError.step/node, …). */
const kErrorFields = ['limit', 'step', 'node', 'worker', 'rows', 'path', 'code'] as const

function encodeError(error: unknown): EncodedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} }
  const fields: Record<string, unknown> = {}
  for (const key of kErrorFields) {
    const value = (error as unknown as Record<string, unknown>)[key]
    if (value !== undefined) fields[key] = value
  }
  return { name: error.name, message: error.message, stack: error.stack, fields }
}

async function run(message: TaskMessage) {
  if (message.fault === 'exit') process.exit(70)
  if (message.fault === 'uncaught') {
    setTimeout(() => {
      throw new Error('an injected uncaught error')
    })
    return new Promise(() => {})
  }
  const started = performance.now()
  try {
    const solved = await runJob(message.job, message.threads)
    // solve()'s field is a view of the spent solver's shared buffer, which cannot be transferred: send
    // a plain copy of its nx·ny values instead, and transfer that.
    const result = { ...solved, field: new Float64Array(solved.field) }
    const reply: TaskReply = { ok: true, result, seconds: (performance.now() - started) / 1000 }
    return Transfer(reply, [result.field.buffer])
  } catch (error) {
    return { ok: false, error: encodeError(error), seconds: (performance.now() - started) / 1000 }
  }
}

expose({ run })
