/**
 * Worker entry point: owns one band of rows of its current gang and, per run request, runs its part of
 * the schedule through the backend's run loop (backends/js.ts or backends/native.ts, which runs it in
 * Rust). It knows nothing of physics and no stepper; it reports how the run ended. Between gangs it
 * waits in the warm pool (pool.ts).
 */
import { parentPort } from 'node:worker_threads'

import { prepareOwnRows } from './band.js'
import { BarrierAbandoned } from './barrier.js'
import { busyAgain, releasedBuffers } from './collect.js'
import { abandon } from './control.js'
import { injectFault, plannedFault } from './fault.js'
import type { StepSpec } from '../steppers/schedule.js'
import type { PoolRequest, RunOutcome, RunRequest, WorkerInit, WorkerReply } from './protocol.js'
import { runnerFor } from './runners.js'

/**
 * Test-only: when CALOR_FAULT plans a fault for this worker inside this run, run up to that step,
 * inject it, then run the rest. Without a planned fault this is just `run(request)`.
 */
function runWithFault(
  name: string,
  run: (request: RunRequest<StepSpec>) => RunOutcome,
  request: RunRequest<StepSpec>,
): RunOutcome {
  const at = plannedFault(name)
  if (at === null || at >= request.steps) return run(request)
  const first = at > 0 ? run({ ...request, steps: at }) : { steps: 0, abandoned: false, lost: false }
  if (first.steps < at || first.abandoned) return first
  injectFault(name, at)
  // ADI's steps end in the buffer they began in (its schedule has column blocks); others swap buffers.
  const parity = 'kind' in request.stencil ? request.parity : (((request.parity + at) % 2) as 0 | 1)
  const rest = run({ ...request, steps: request.steps - at, parity })
  return { ...rest, steps: at + rest.steps }
}

/** The band a worker runs for its current gang: its init and its backend's run loop over that gang's buffers. */
interface Session {
  readonly init: WorkerInit
  readonly run: (request: RunRequest<StepSpec>) => RunOutcome
  readonly control: Int32Array
}

/** Bytes of the shared buffers a session's init refers to. */
function sharedBytes(init: WorkerInit): number {
  const buffers = [...init.fields, init.source, init.faces, init.weights, init.timed?.ring, init.control]
  return buffers.reduce((sum, b) => sum + (b?.byteLength ?? 0), 0)
}

async function open(init: WorkerInit): Promise<Session> {
  busyAgain()
  const run = await (await runnerFor(init))(init)
  prepareOwnRows(init)
  return { init, run, control: new Int32Array(init.control) }
}

function runRequest(session: Session, request: RunRequest<StepSpec>, post: (reply: WorkerReply) => void): void {
  try {
    const outcome = runWithFault(session.init.name, session.run, request)
    post(outcome.abandoned ? { type: 'abandoned' } : { type: 'done', steps: outcome.steps })
  } catch (error) {
    if (error instanceof BarrierAbandoned) return post({ type: 'abandoned' })
    // Release the peers first: they would otherwise wait at the barrier for this worker forever.
    abandon(session.control)
    const e = error instanceof Error ? error : new Error(String(error))
    post({ type: 'error', message: e.message, stack: e.stack })
  }
}

/**
 * A worker of the warm pool (pool.ts): a gang's 'init' gives it a band, runs follow, and 'release' drops
 * the band and every reference to its buffers before the next gang's init. A failed init (the addon does
 * not load) is an uncaught error: the gang sees the worker fail.
 */
function main(): void {
  const port = parentPort
  if (port === null) throw new Error('lib/parallel/worker.js must run in a worker thread')
  const post = (reply: WorkerReply) => port.postMessage(reply)
  let session: Session | null = null
  port.on('message', (message: PoolRequest | RunRequest<StepSpec>) => {
    if (message.type === 'init') {
      void open(message.init).then((opened) => {
        session = opened
        post({ type: 'ready' })
      })
    } else if (message.type === 'release') {
      if (session !== null) releasedBuffers(sharedBytes(session.init))
      session = null
    } else if (session !== null) runRequest(session, message, post)
  })
}

main()
