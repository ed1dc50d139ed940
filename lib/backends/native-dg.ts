/**
 * The native backend's Douglas–Gunn run loop (3D Crank–Nicolson): the steps, both phases and both
 * barriers in Rust (crate/src/schedule/dg.rs), in native calls of about 10 ms each
 * (backends/native-calls.ts), between which the worker is back in JS (where `worker.terminate()` takes
 * effect). Loads the addon through backends/native.ts's loader.
 */
import type { PlaneLineSpec } from './lines3d.js'
import type { Runner } from '../parallel/protocol.js'
import type { StepSpec } from '../steppers/schedule.js'
import { addon } from './native.js'
import { bindingAxis, callsLoop, runViews } from './native-calls.js'

export const nativePlaneLinesRunner: Runner<StepSpec> = async (init) => {
  const { a, b, source, faces, weights, control } = runViews(init)
  const rows = init.schedule.zRows ?? { start: 0, end: 0 }
  const band = new addon.NativePlaneLines({
    start: init.band.start,
    end: init.band.end,
    rowStart: rows.start,
    rowEnd: rows.end,
    parties: init.parties,
  })
  // The buffers swap every step; the kernel doubles the weights dt/2·g(t_{n+1/2}), exactly.
  const loop = callsLoop(weights, control, true)
  return (request) => {
    const spec = request.stencil as PlaneLineSpec
    const [x, y, z] = [bindingAxis(spec.x), bindingAxis(spec.y), bindingAxis(spec.z)]
    const kernel = new addon.PlaneLineKernel({ ...spec, x, y, z })
    return loop(request, (w, steps, parity) => band.run(a, b, source, faces, w, control, kernel, steps, parity))
  }
}
