/** The only module that loads the Rust addon (crate/index.js). Loaded lazily, inside workers. */
import { fillGhostRow, runBand, StencilKernel } from '../crate/index.js'
import type { RunRequest, WorkerInit } from './protocol.js'
import type { Kernel } from './stencil.js'

export { encodeFrame, type NapiFrameStats, writeAnimation } from '../crate/index.js'

export const nativeKernel: Kernel = {
  stencil: (spec) => new StencilKernel(spec),
  fillGhostRow,
}

/** What a run did: steps every worker completed, and whether an abandoned barrier ended it. */
export interface RunOutcome {
  steps: number
  abandoned: boolean
  /** Abandoned inside a temporal block: the fields hold mixed time levels. */
  lost: boolean
}

/** Wall time of one native call: short enough that a terminated worker stops soon, long enough to be free. */
const kCallMs = 10

/**
 * A worker's runs done in Rust: steps, ghost rows and the barrier. A run is made of calls of about
 * kCallMs each (whole temporal blocks, so peers stay aligned; the barrier is per step, so peers need
 * not agree on call lengths). Between calls the worker is back in JS, where `worker.terminate()`
 * takes effect: it cannot interrupt native code.
 */
export function nativeRunner(init: WorkerInit): (request: RunRequest) => RunOutcome {
  const [a, b] = [new Float64Array(init.fields[0]), new Float64Array(init.fields[1])]
  const source = init.source === null ? new Float64Array(0) : new Float64Array(init.source)
  const control = new Int32Array(init.control)
  const band = [init.band.start, init.band.end, init.parties]
  const ghostRows = new Float64Array(init.ghostRows.flatMap((g) => [g.target, g.from, g.offset]))
  const blocking = [...init.blocking]
  const k = init.blocking[0]
  let stepsPerCall = k
  return (request) => {
    const stencil = new StencilKernel(request.stencil)
    let done = 0
    while (done < request.steps) {
      const want = Math.min(request.steps - done, stepsPerCall)
      const parity = (request.parity + done) % 2
      const started = performance.now()
      const outcome = runBand(a, b, source, control, stencil, band, ghostRows, blocking, want, parity)
      done += outcome.steps
      if (outcome.steps < want || outcome.abandoned || outcome.lost) return { ...outcome, steps: done }
      const scale = kCallMs / Math.max(performance.now() - started, 1e-3)
      stepsPerCall = k * Math.max(1, Math.round((Math.min(scale, 4) * want) / k))
    }
    return { steps: done, abandoned: false, lost: false }
  }
}
