/**
 * Worker entry point: owns one band of rows and, per run request, runs its part of the schedule
 * through the backend's run loop (backends/js.ts or backends/native.ts, which runs it in Rust). It knows
 * nothing of physics and no stepper; it reports how the run ended.
 */
import { parentPort, workerData } from 'node:worker_threads'

import { copyOwnRows } from './band.js'
import { BarrierAbandoned } from './barrier.js'
import { abandon } from './control.js'
import { injectFault, plannedFault } from './fault.js'
import type { StepSpec } from '../steppers/schedule.js'
import type { RunOutcome, RunRequest, WorkerInit, WorkerReply } from './protocol.js'
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

async function main(): Promise<void> {
  const port = parentPort
  if (port === null) throw new Error('lib/parallel/worker.js must run in a worker thread')
  const init = workerData as WorkerInit
  const run = await (await runnerFor(init))(init)
  const control = new Int32Array(init.control)
  const post = (reply: WorkerReply) => port.postMessage(reply)
  copyOwnRows(init)
  port.on('message', (request: RunRequest<StepSpec>) => {
    try {
      const outcome = runWithFault(init.name, run, request)
      post(outcome.abandoned ? { type: 'abandoned' } : { type: 'done', steps: outcome.steps })
    } catch (error) {
      if (error instanceof BarrierAbandoned) return post({ type: 'abandoned' })
      // Release the peers first: they would otherwise wait at the barrier for this worker forever.
      abandon(control)
      const e = error instanceof Error ? error : new Error(String(error))
      post({ type: 'error', message: e.message, stack: e.stack })
    }
  })
  post({ type: 'ready' })
}

await main()
