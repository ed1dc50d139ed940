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

/** A worker's runs done entirely in Rust: steps, ghost rows and the barrier, one call per run. */
export function nativeRunner(init: WorkerInit): (request: RunRequest) => RunOutcome {
  const [a, b] = [new Float64Array(init.fields[0]), new Float64Array(init.fields[1])]
  const source = init.source === null ? new Float64Array(0) : new Float64Array(init.source)
  const control = new Int32Array(init.control)
  const band = [init.band.start, init.band.end, init.parties]
  const ghostRows = new Float64Array(init.ghostRows.flatMap((g) => [g.target, g.from, g.offset]))
  const blocking = [...init.blocking]
  return (request) => {
    const stencil = new StencilKernel(request.stencil)
    return runBand(a, b, source, control, stencil, band, ghostRows, blocking, request.steps, request.parity)
  }
}
