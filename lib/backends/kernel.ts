/**
 * The contract between the solver and a kernel backend: a stencil description (the same object the
 * native `StencilKernel` takes) and the two operations a worker performs each step.
 */

/** Ghost kinds, as the native binding codes them. */
export const kGhostUnused = 0
export const kGhostMirror = 1
export const kGhostWrap = 2

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
  leftKind: number
  leftOffset: number
  rightKind: number
  rightOffset: number
}

/**
 * A stencil bound to its coefficients: advances `rows` padded rows from `src` (with one halo row each
 * side) into `dst`; returns whether every updated value is finite.
 */
export interface BandStepper {
  step(src: Float64Array, dst: Float64Array, source: Float64Array, rows: number): boolean
}

/** What each backend provides. */
export interface Kernel {
  stencil(spec: StencilSpec): BandStepper
  /** target[k] = from[k] − offset over the node columns of a padded row. */
  fillGhostRow(target: Float64Array, from: Float64Array, offset: number): void
}
