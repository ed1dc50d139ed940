/**
 * Worker entry point: owns one band of rows and, per run request, loops step → barrier → swap. It
 * knows nothing of physics beyond calling the kernel on its band. The native backend runs the whole
 * loop in Rust (one call per run); the js backend runs it here, with the same barrier protocol.
 */
import { parentPort, workerData } from 'node:worker_threads'

import { abandon, Barrier, BarrierAbandoned, kNonFinite } from './barrier.js'
import type { RunOutcome } from './native.js'
import type { RunRequest, WorkerInit, WorkerReply } from './protocol.js'

interface Views {
  src: Float64Array
  dst: Float64Array
  ghosts: { target: Float64Array; from: Float64Array; offset: number }[]
}

/** Views of the band for each parity, made once: nothing is allocated per step. */
function makeViews(init: WorkerInit, parity: 0 | 1): Views {
  const { stride, band } = init
  const src = new Float64Array(init.fields[parity])
  const dst = new Float64Array(init.fields[1 - parity])
  const row = (r: number) => dst.subarray(r * stride, (r + 1) * stride)
  return {
    src: src.subarray(band.start * stride, (band.end + 2) * stride),
    dst: dst.subarray((band.start + 1) * stride, (band.end + 1) * stride),
    ghosts: init.ghostRows.map((g) => ({ target: row(g.target), from: row(g.from), offset: g.offset })),
  }
}

/** The js backend's run loop: the baseline, kept plain. */
async function jsRunner(init: WorkerInit): Promise<(request: RunRequest) => RunOutcome> {
  const { jsKernel } = await import('./kernel.js')
  const control = new Int32Array(init.control)
  const barrier = new Barrier(control, init.parties)
  const views = [makeViews(init, 0), makeViews(init, 1)] as const
  const { stride, band } = init
  const rows = band.end - band.start
  const own = [(band.start + 1) * stride, (band.end + 1) * stride] as const
  const source = init.source === null ? new Float64Array(0) : new Float64Array(init.source).subarray(...own)
  return (request) => {
    const stepper = jsKernel.stencil(request.stencil)
    let parity = request.parity
    for (let step = 1; step <= request.steps; step++) {
      const v = views[parity]
      if (!stepper.step(v.src, v.dst, source, rows)) Atomics.store(control, kNonFinite, 1)
      for (const g of v.ghosts) jsKernel.fillGhostRow(g.target, g.from, g.offset)
      parity = parity === 0 ? 1 : 0
      try {
        if (barrier.wait()) return { steps: step, abandoned: false }
      } catch (error) {
        if (error instanceof BarrierAbandoned) return { steps: step, abandoned: true }
        throw error
      }
    }
    return { steps: request.steps, abandoned: false }
  }
}

async function main(): Promise<void> {
  const port = parentPort
  if (port === null) throw new Error('lib/worker.js must run in a worker thread')
  const init = workerData as WorkerInit
  const run = init.backend === 'js' ? await jsRunner(init) : (await import('./native.js')).nativeRunner(init)
  const control = new Int32Array(init.control)
  const post = (reply: WorkerReply) => port.postMessage(reply)
  port.on('message', (request: RunRequest) => {
    try {
      const outcome = run(request)
      post(outcome.abandoned ? { type: 'abandoned' } : { type: 'done', steps: outcome.steps })
    } catch (error) {
      // Release the peers first: they would otherwise wait at the barrier for this worker forever.
      abandon(control)
      const e = error instanceof Error ? error : new Error(String(error))
      post({ type: 'error', message: e.message, stack: e.stack, step: 0 })
    }
  })
  post({ type: 'ready' })
}

await main()
