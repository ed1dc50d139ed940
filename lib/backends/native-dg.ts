/**
 * The native backend's Douglas–Gunn run loop (3D Crank–Nicolson): the steps, both phases and both
 * barriers in Rust (crate/src/schedule/dg.rs), in calls of about kCallMs each, between which the worker
 * is back in JS (where `worker.terminate()` takes effect). Loads the addon through backends/native.ts's loader.
 */
import type { LineAxis } from './lines.js'
import type { PlaneLineSpec } from './lines3d.js'
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

export const nativePlaneLinesRunner: Runner<StepSpec> = async (init) => {
  const [a, b] = [new Float64Array(init.fields[0]), new Float64Array(init.fields[1])]
  const source = init.source === null ? new Float64Array(0) : new Float64Array(init.source)
  const faces = init.faces === null ? kNone : new Float64Array(init.faces)
  const weights = init.weights === null ? null : new Float64Array(init.weights)
  const control = new Int32Array(init.control)
  const rows = init.schedule.zRows ?? { start: 0, end: 0 }
  const band = new addon.NativePlaneLines({
    start: init.band.start,
    end: init.band.end,
    rowStart: rows.start,
    rowEnd: rows.end,
    parties: init.parties,
  })
  let stepsPerCall = 1
  return (request: RunRequest<StepSpec>): RunOutcome => {
    const spec = request.stencil as PlaneLineSpec
    const kernel = new addon.PlaneLineKernel({ ...spec, x: axis(spec.x), y: axis(spec.y), z: axis(spec.z) })
    let done = 0
    while (done < request.steps) {
      const want = Math.min(request.steps - done, stepsPerCall)
      const started = performance.now()
      const parity = (request.parity + done) % 2
      // A separable source of t: this call's steps' dt/2·g(t_{n+1/2}) (the kernel doubles them, exactly).
      const w = weights === null ? kNone : weights.subarray(done, done + want)
      const outcome = band.run(a, b, source, faces, w, control, kernel, want, parity)
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
