/**
 * Worker entry point: owns one band of rows and, per run request, loops step → barrier → swap. It
 * knows nothing of physics beyond calling the kernel on its band.
 */
import { parentPort, workerData } from 'node:worker_threads'

import { abandon, Barrier, BarrierAbandoned } from './barrier.js'
import { injectFault } from './fault.js'
import type { RunRequest, WorkerInit, WorkerReply } from './protocol.js'
import type { Kernel } from './stencil.js'

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

async function loadKernel(init: WorkerInit): Promise<Kernel> {
  if (init.backend === 'js') return (await import('./kernel.js')).jsKernel
  return (await import('./native.js')).nativeKernel
}

async function main(): Promise<void> {
  const port = parentPort
  if (port === null) throw new Error('lib/worker.js must run in a worker thread')
  const init = workerData as WorkerInit
  const kernel = await loadKernel(init)
  const control = new Int32Array(init.control)
  const barrier = new Barrier(control, init.parties)
  const views = [makeViews(init, 0), makeViews(init, 1)] as const
  const { stride, band } = init
  const rows = band.end - band.start
  const source =
    init.source === null
      ? new Float64Array(0)
      : new Float64Array(init.source).subarray((band.start + 1) * stride, (band.end + 1) * stride)
  const post = (reply: WorkerReply) => port.postMessage(reply)

  port.on('message', (request: RunRequest) => {
    let step = 0
    try {
      const stepper = kernel.stencil(request.stencil)
      let parity = request.parity
      while (step < request.steps) {
        injectFault(init.name, step)
        const v = views[parity]
        stepper.step(v.src, v.dst, source, rows)
        for (const g of v.ghosts) kernel.fillGhostRow(g.target, g.from, g.offset)
        step++
        parity = parity === 0 ? 1 : 0
        if (barrier.wait()) break
      }
      post({ type: 'done', steps: step })
    } catch (error) {
      if (error instanceof BarrierAbandoned) return post({ type: 'abandoned' })
      abandon(control)
      const e = error instanceof Error ? error : new Error(String(error))
      post({ type: 'error', message: e.message, stack: e.stack, step })
    }
  })
  post({ type: 'ready' })
}

await main()
