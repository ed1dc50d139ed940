/** The only module that loads the Rust addon (crate/index.js). Loaded lazily, inside workers. */
import { fillGhostRow, StencilKernel } from '../crate/index.js'
import type { Kernel } from './stencil.js'

export { encodeFrame, type NapiFrameStats, writeAnimation } from '../crate/index.js'

export const nativeKernel: Kernel = {
  stencil: (spec) => new StencilKernel(spec),
  fillGhostRow,
}
