/**
 * The warm pool: worker threads kept between gangs, so that a `solve()` (or `Solver.create`) after the first
 * starts no thread (starting one and loading the addon costs tens of milliseconds; a small solve, a
 * fraction of one).
 *
 * - Lazy: no worker exists until a gang asks for one and none is idle; then one is started.
 * - Never keeps the process alive: an idle worker is unref'd, and a script ends as if it were not there.
 * - A gang takes each worker for itself alone (concurrent gangs never share one) and gives it back only
 *   when it ended healthy (no run in progress, no failure): a worker that failed, hung or was aborted
 *   mid-start is terminated instead, and the next gang starts a fresh one in its place.
 * - A worker given back drops every reference to that gang's buffers, and its heap lets them go soon
 *   after (collect.ts), so an idle worker holds none of a finished solve's memory.
 * - An idle worker that dies is dropped from the pool; `closeWarmPool()` terminates the idle ones.
 */
import os from 'node:os'
import { Worker } from 'node:worker_threads'

import type { PoolRequest } from './protocol.js'

const kWorkerUrl = new URL('./worker.js', import.meta.url)

interface IdleWorker {
  readonly worker: Worker
  readonly onExit: () => void
}

/** Idle workers, the most recently used last (it is taken first: its caches are the warmest). */
const idle: IdleWorker[] = []
/**
 * The CALOR_FAULT each worker was started under. A worker reads its environment once, so a test that sets
 * CALOR_FAULT gets workers started after it, never one the pool kept from before.
 */
const startedUnder = new WeakMap<Worker, string | undefined>()

/** The most workers kept idle: one gang on every core (at least 4); more given back are terminated. */
const capacity = () => Math.max(4, os.availableParallelism())

const ignore = () => {}

/** A new worker (ref'd: its start keeps the process alive), waiting for a gang's init. */
export function startWorker(): Worker {
  const worker = new Worker(kWorkerUrl, { name: 'calor-worker' })
  startedUnder.set(worker, process.env.CALOR_FAULT)
  return worker
}

/** A worker for a warm gang, ref'd like a new one: an idle one if any, else a new one. */
export function takeWorker(): Worker {
  const fault = process.env.CALOR_FAULT
  for (let entry = idle.pop(); entry !== undefined; entry = idle.pop()) {
    entry.worker.off('exit', entry.onExit)
    entry.worker.off('error', ignore)
    // threadId is -1 once a worker has exited, even before its 'exit' event has reached this thread.
    if (startedUnder.get(entry.worker) === fault && entry.worker.threadId !== -1) {
      entry.worker.ref()
      return entry.worker
    }
    void entry.worker.terminate()
  }
  return startWorker()
}

/**
 * Takes back a worker whose gang ended healthy: it is told to drop its band (messages arrive in order,
 * so a next gang's init always finds it released) and waits, unref'd, for the next gang. Past the pool's
 * capacity the worker is terminated instead; the promise resolves once it has exited.
 */
export async function giveWorker(worker: Worker): Promise<void> {
  if (idle.length >= capacity()) {
    await worker.terminate()
    return
  }
  worker.postMessage({ type: 'release' } satisfies PoolRequest)
  worker.unref()
  const entry: IdleWorker = {
    worker,
    onExit: () => {
      const k = idle.indexOf(entry)
      if (k >= 0) idle.splice(k, 1)
    },
  }
  // An idle worker that dies (its error is its own: no run is lost) leaves the pool.
  worker.on('error', ignore)
  worker.once('exit', entry.onExit)
  idle.push(entry)
}

/** Terminates every idle worker; resolves when they have exited. Later gangs start new ones. */
export async function closeWarmPool(): Promise<void> {
  const leaving = idle.splice(0, idle.length)
  await Promise.all(leaving.map((e) => e.worker.terminate()))
}

/** Test hook, not API: `warmPool[kIdleWorkers]()` lists the idle workers. */
export const kIdleWorkers = Symbol.for('calor.idleWorkers')
export const warmPool = Object.freeze({ [kIdleWorkers]: () => idle.map((e) => e.worker) })
