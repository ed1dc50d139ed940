/**
 * What the native line-solve run loops share (backends/native-adi.ts, native-dg.ts): the views a worker
 * hands the binding, the binding's form of a line axis, and the loop of native calls of about kCallMs
 * each, between which the worker is back in JS (where `worker.terminate()` takes effect).
 */
import type { LineAxis } from './lines.js'
import { kGo, kStopDecision } from '../parallel/control.js'
import type { RunOutcome, RunRequest, WorkerInit } from '../parallel/protocol.js'
import type { StepSpec } from '../steppers/schedule.js'

const kNone = new Float64Array(0)

/** Wall time of one native call (see native.ts). */
const kCallMs = 10

/** The binding takes an absent `cyclic` for a non-periodic axis. */
export const bindingAxis = ({ cyclic, ...rest }: LineAxis) => ({
  ...rest,
  lower: [...rest.lower],
  inv: [...rest.inv],
  upper: [...rest.upper],
  ...(cyclic === null ? {} : { cyclic: { ...cyclic, z: [...cyclic.z] } }),
})

/** A worker's views of the shared buffers, as the binding takes them (empty views for absent ones). */
export function runViews(init: WorkerInit) {
  return {
    a: new Float64Array(init.fields[0]),
    b: new Float64Array(init.fields[1]),
    source: init.source === null ? kNone : new Float64Array(init.source),
    faces: init.faces === null ? kNone : new Float64Array(init.faces),
    weights: init.weights === null ? null : new Float64Array(init.weights),
    control: new Int32Array(init.control),
  }
}

/** One native call: `steps` steps from buffer `parity`, with the separable source's weights `w` for them. */
type NativeCall = (w: Float64Array, steps: number, parity: number) => RunOutcome

/**
 * Runs a request's steps in native calls of about kCallMs each; `swaps`: the buffers swap roles every
 * step (each call then starts from the parity its first step reads).
 */
export function callsLoop(weights: Float64Array | null, control: Int32Array, swaps: boolean) {
  let stepsPerCall = 1
  return (request: RunRequest<StepSpec>, call: NativeCall): RunOutcome => {
    let done = 0
    while (done < request.steps) {
      const want = Math.min(request.steps - done, stepsPerCall)
      const started = performance.now()
      // A separable source of t: this call's steps' weights (see api/timed-lines.ts).
      const w = weights === null ? kNone : weights.subarray(done, done + want)
      const outcome = call(w, want, swaps ? (request.parity + done) % 2 : request.parity)
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
