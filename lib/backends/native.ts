/**
 * The native backend, and the only module that loads the Rust addon (crate/index.js). Loaded lazily,
 * inside workers (and by the frames tracker for its encoder). When the addon cannot be loaded, the
 * error says so and names `backend: 'js'` as the way to run anyway.
 */
import type * as Addon from '../../crate/index.js'
import { kGo, kStopDecision } from '../parallel/control.js'
import type { Runner, RunOutcome } from '../parallel/protocol.js'
import type { Kernel } from './kernel.js'

async function loadAddon(): Promise<typeof Addon> {
  try {
    return await import('../../crate/index.js')
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error)
    throw new Error(
      `calor's native addon could not be loaded on ${process.platform}-${process.arch} (${reason}). ` +
        "Run with backend: 'js' (the pure-TypeScript kernel, same results, slower), or build the addon " +
        'from a clone with `npm run build:native` (needs Rust/cargo).',
      { cause: error },
    )
  }
}

export const addon = await loadAddon()

export const { encodeFrame, writeAnimation, controlLayout } = addon
export type { NapiFrameStats } from '../../crate/index.js'

export const nativeKernel: Kernel = {
  stencil: (spec) => new addon.StencilKernel(spec),
  fillGhostRow: (target, inside, boundary, rule) => addon.fillGhostRow(target, inside, boundary, rule),
}

const kNone = new Float64Array(0)
/** The weights of steps done…done + want of a run, or an empty view for a source constant in time. */
const weightsOf = (weights: Float64Array | null, done: number, want: number) =>
  weights === null ? kNone : weights.subarray(done, done + want)

/** Wall time of one native call: short enough that a terminated worker stops soon, long enough to be free. */
const kCallMs = 10

/**
 * A worker's runs done in Rust: steps, ghost rows and the barrier. A run is made of calls of about
 * kCallMs each (whole rounds of the schedule, so peers stay aligned; the barrier is per round, so peers
 * need not agree on call lengths). Between calls the worker is back in JS, where `worker.terminate()`
 * takes effect: it cannot interrupt native code.
 */
export const nativeRunner: Runner = async (init) => {
  const [a, b] = [new Float64Array(init.fields[0]), new Float64Array(init.fields[1])]
  const source = init.source === null ? new Float64Array(0) : new Float64Array(init.source)
  const faces = init.faces === null ? new Float64Array(0) : new Float64Array(init.faces)
  const weights = init.weights === null ? null : new Float64Array(init.weights)
  const control = new Int32Array(init.control)
  const ring = init.timed === null ? kNone : new Float64Array(init.timed.ring)
  const slots = init.timed?.layout.slots ?? 1
  const { start, end } = init.band
  const band = new addon.NativeBand({
    start,
    end,
    parties: init.parties,
    ghostRows: init.ghostRows.map((g) => ({ ...g })),
    schedule: { ...init.schedule },
    flushSubnormals: init.flushSubnormals,
    timed:
      init.timed === null ? undefined : { ...init.timed.layout, sides: init.timed.layout.sides.map((x) => ({ ...x })) },
  })
  const k = init.schedule.k
  let stepsPerCall = k
  return (request): RunOutcome => {
    const kernel = new addon.StencilKernel(request.stencil)
    let done = 0
    while (done < request.steps) {
      const want = Math.min(request.steps - done, stepsPerCall)
      const parity = (request.parity + done) % 2
      const started = performance.now()
      const slot0 = (request.first + done) % slots
      const outcome = band.run(
        a,
        b,
        source,
        faces,
        weightsOf(weights, done, want),
        ring,
        slot0,
        control,
        kernel,
        want,
        parity,
      )
      done += outcome.steps
      if (outcome.steps < want || outcome.abandoned || outcome.lost) return { ...outcome, steps: done }
      // A stop (a non-finite value) decided at the barrier of the call's last step looks like a call
      // that ran to its end: read that barrier's decision, which stays published until the next
      // release, and no release can happen before this worker arrives again. (The non-finite flag
      // itself would not do: a peer may already be raising it in the next step.)
      if (Atomics.load(control, kStopDecision) !== kGo) return { steps: done, abandoned: false, lost: false }
      const scale = kCallMs / Math.max(performance.now() - started, 1e-3)
      stepsPerCall = k * Math.max(1, Math.round((Math.min(scale, 4) * want) / k))
    }
    return { steps: done, abandoned: false, lost: false }
  }
}
