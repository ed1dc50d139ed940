/**
 * Worker entry point: owns one band of rows and, per run request, loops step → barrier → swap. It
 * knows nothing of physics beyond calling the kernel on its band. The native backend runs the whole
 * loop in Rust (one call per run); the js backend runs it here, with the same barrier protocol.
 */
import { parentPort, workerData } from 'node:worker_threads'

import { abandon, Barrier, BarrierAbandoned, kAbortNow, kGo, kNonFinite, kStopRequest } from './barrier.js'
import { injectFault, plannedFault } from './fault.js'
import type { RunOutcome } from './native.js'
import type { RunRequest, WorkerInit, WorkerReply } from './protocol.js'

/** A slice of the band's rows: stepped in one call, between two looks at the abandon flag. */
interface Slice {
  src: Float64Array
  dst: Float64Array
  source: Float64Array
  rows: number
}

interface Views {
  slices: Slice[]
  ghosts: { target: Float64Array; from: Float64Array; offset: number }[]
}

/** Rows per slice: about 64k values, so an abort request is seen within a fraction of a step. */
const rowsPerSlice = (stride: number) => Math.max(1, Math.floor(65536 / stride))

/** Views of the band for each parity, made once: nothing is allocated per step. */
function makeViews(init: WorkerInit, parity: 0 | 1): Views {
  const { stride, band } = init
  const src = new Float64Array(init.fields[parity])
  const dst = new Float64Array(init.fields[1 - parity])
  const source = init.source === null ? null : new Float64Array(init.source)
  const slices: Slice[] = []
  for (let first = band.start; first < band.end; first += rowsPerSlice(stride)) {
    const last = Math.min(band.end, first + rowsPerSlice(stride))
    const own = [(first + 1) * stride, (last + 1) * stride] as const
    slices.push({
      src: src.subarray(first * stride, (last + 2) * stride),
      dst: dst.subarray(...own),
      source: source === null ? new Float64Array(0) : source.subarray(...own),
      rows: last - first,
    })
  }
  const row = (r: number) => dst.subarray(r * stride, (r + 1) * stride)
  return { slices, ghosts: init.ghostRows.map((g) => ({ target: row(g.target), from: row(g.from), offset: g.offset })) }
}

/** The js backend's run loop: the baseline, kept plain. */
async function jsRunner(init: WorkerInit): Promise<(request: RunRequest) => RunOutcome> {
  const { jsKernel } = await import('./kernel.js')
  const control = new Int32Array(init.control)
  const barrier = new Barrier(control, init.parties)
  const views = [makeViews(init, 0), makeViews(init, 1)] as const
  return (request) => {
    const stepper = jsKernel.stencil(request.stencil)
    let parity = request.parity
    for (let done = 0; done < request.steps; done++) {
      const v = views[parity]
      for (const s of v.slices) {
        // On an abort request, skip the rest: the barrier drops this step, and its source buffer
        // still holds the state after `done` steps.
        if (Atomics.load(control, kStopRequest) === kAbortNow) break
        if (!stepper.step(s.src, s.dst, s.source, s.rows)) Atomics.store(control, kNonFinite, 1)
      }
      for (const g of v.ghosts) jsKernel.fillGhostRow(g.target, g.from, g.offset)
      parity = parity === 0 ? 1 : 0
      const decision = barrier.wait()
      if (decision === kAbortNow) return { steps: done, abandoned: false, lost: false }
      if (decision !== kGo) return { steps: done + 1, abandoned: false, lost: false }
    }
    return { steps: request.steps, abandoned: false, lost: false }
  }
}

/**
 * Test-only: when CALOR_FAULT plans a fault for this worker inside this run, run up to that step,
 * inject it, then run the rest. Without a planned fault this is just `run(request)`.
 */
function runWithFault(name: string, run: (request: RunRequest) => RunOutcome, request: RunRequest): RunOutcome {
  const at = plannedFault(name)
  if (at === null || at >= request.steps) return run(request)
  const first = at > 0 ? run({ ...request, steps: at }) : { steps: 0, abandoned: false, lost: false }
  if (first.steps < at || first.abandoned) return first
  injectFault(name, at)
  const rest = run({ ...request, steps: request.steps - at, parity: ((request.parity + at) % 2) as 0 | 1 })
  return { ...rest, steps: at + rest.steps }
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
      const outcome = runWithFault(init.name, run, request)
      const { steps, lost } = outcome
      post(outcome.abandoned ? { type: 'abandoned' } : { type: 'done', steps, lost })
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
