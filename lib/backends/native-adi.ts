/**
 * The native backend's ADI run loop: the steps, both phases and both barriers in Rust
 * (crate/src/schedule/adi.rs), in calls of about kCallMs each, between which the worker is back in JS
 * (where `worker.terminate()` takes effect). Loads the addon through backends/native.ts's loader.
 */
import type { LineAxis, LineSpec } from './lines.js'
import { kGo, kStopDecision } from '../parallel/control.js'
import type { Runner, RunOutcome, RunRequest } from '../parallel/protocol.js'
import type { StepSpec } from '../steppers/schedule.js'
import { addon } from './native.js'

const kNone = new Float64Array(0)

/** Wall time of one native call (see native.ts). */
const kCallMs = 10

/** The binding takes an absent `cyclic` for a non-periodic axis. */
const axis = ({ cyclic, ...rest }: LineAxis) => ({
  ...rest,
  lower: [...rest.lower],
  inv: [...rest.inv],
  upper: [...rest.upper],
  ...(cyclic === null ? {} : { cyclic: { ...cyclic, z: [...cyclic.z] } }),
})

export const nativeAdiRunner: Runner<StepSpec> = async (init) => {
  const [a, b] = [new Float64Array(init.fields[0]), new Float64Array(init.fields[1])]
  const source = init.source === null ? new Float64Array(0) : new Float64Array(init.source)
  const faces = init.faces === null ? new Float64Array(0) : new Float64Array(init.faces)
  const weights = init.weights === null ? null : new Float64Array(init.weights)
  const control = new Int32Array(init.control)
  const columns = init.schedule.columns ?? { start: 0, end: 0 }
  const band = new addon.NativeLines({
    start: init.band.start,
    end: init.band.end,
    columnStart: columns.start,
    columnEnd: columns.end,
    parties: init.parties,
  })
  let stepsPerCall = 1
  return (request: RunRequest<StepSpec>): RunOutcome => {
    const spec = request.stencil as LineSpec
    const kernel = new addon.LineKernel({ ...spec, x: axis(spec.x), y: axis(spec.y) })
    let done = 0
    while (done < request.steps) {
      const want = Math.min(request.steps - done, stepsPerCall)
      const started = performance.now()
      // A separable source of t: this call's steps' weights dt/2·g(t_{n+1/2}) (see api/timed-lines.ts).
      const w = weights === null ? kNone : weights.subarray(done, done + want)
      const outcome = band.run(a, b, source, faces, w, control, kernel, want, request.parity)
      done += outcome.steps
      if (outcome.steps < want || outcome.abandoned || outcome.lost) return { ...outcome, steps: done }
      // A stop decided at the call's last barrier looks like a call that ran to its end (see native.ts).
      if (Atomics.load(control, kStopDecision) !== kGo) return { steps: done, abandoned: false, lost: false }
      const scale = kCallMs / Math.max(performance.now() - started, 1e-3)
      stepsPerCall = Math.max(1, Math.round(Math.min(scale, 4) * want))
    }
    return { steps: done, abandoned: false, lost: false }
  }
}
