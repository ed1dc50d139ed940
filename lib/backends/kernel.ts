/**
 * The contract between the steppers and a kernel backend: the stencil of a step (the same object the
 * native `StencilKernel` takes) and the two operations a worker performs each step. Each backend also
 * provides a run loop (a Runner, see parallel/protocol.ts).
 */
import type { GhostRule } from '../model/boundary/index.js'
import type { FaceViews } from '../model/faces.js'

/** Shape and coefficients of one explicit step over a band of padded rows. */
export interface StencilSpec {
  /** Nodes per row; padded rows have nx + 2 values. */
  nx: number
  /** First and last node column updated (inclusive). */
  first: number
  last: number
  /** α·dt/dx² and α·dt/dy². */
  rx: number
  ry: number
  dt: number
  /** The ghost rules of the left (x = 0) and right (x = lx) sides. */
  left: GhostRule
  right: GhostRule
}

/**
 * A stencil bound to its coefficients: advances `rows` padded rows from `src` (with one halo row each
 * side) into `dst`; returns whether every updated value is finite. `faces`, a variable diffusivity's
 * arrays sliced like `src`, selects the conservative form (the js kernel only; the native one runs it
 * inside NativeBand).
 */
export interface BandStepper {
  step(src: Float64Array, dst: Float64Array, source: Float64Array, rows: number, faces?: FaceViews): boolean
}

/** What each backend provides. */
export interface Kernel {
  stencil(spec: StencilSpec): BandStepper
  /** target[k] = a·inside[k] + b·boundary[k] + c (mirror) or inside[k] (wrap) over the node columns of a padded row. */
  fillGhostRow(target: Float64Array, inside: Float64Array, boundary: Float64Array, rule: GhostRule): void
}
