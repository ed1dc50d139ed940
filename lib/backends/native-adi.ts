/**
 * The native backend's ADI run loop: the steps, both phases and both barriers in Rust
 * (crate/src/schedule/adi.rs), in native calls of about 10 ms each (backends/native-calls.ts), between
 * which the worker is back in JS (where `worker.terminate()` takes effect). Loads the addon through
 * backends/native.ts's loader.
 */
import type { LineSpec } from './lines.js'
import type { Runner } from '../parallel/protocol.js'
import type { StepSpec } from '../steppers/schedule.js'
import { addon } from './native.js'
import { bindingAxis, callsLoop, runViews } from './native-calls.js'

export const nativeAdiRunner: Runner<StepSpec> = async (init) => {
  const { a, b, source, faces, weights, control } = runViews(init)
  const columns = init.schedule.columns ?? { start: 0, end: 0 }
  const band = new addon.NativeLines({
    start: init.band.start,
    end: init.band.end,
    columnStart: columns.start,
    columnEnd: columns.end,
    parties: init.parties,
  })
  // The step ends where it began (u* in the other buffer, uⁿ⁺¹ back in this one): every call reads `parity`.
  const loop = callsLoop(weights, control, false)
  return (request) => {
    const spec = request.stencil as LineSpec
    const kernel = new addon.LineKernel({ ...spec, x: bindingAxis(spec.x), y: bindingAxis(spec.y) })
    return loop(request, (w, steps, parity) => band.run(a, b, source, faces, w, control, kernel, steps, parity))
  }
}
