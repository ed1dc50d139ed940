/**
 * What a boundary kind is: a module registered under its `type` (see index.ts) that parses its side
 * spec and says how the side is imposed. A new kind is one new module here; the kernels only ever see
 * its ghost rule.
 */
import type { GhostRule } from './rule.js'

export type SideName = 'left' | 'right' | 'bottom' | 'top'
export const kSideNames: readonly SideName[] = ['left', 'right', 'bottom', 'top']

/** One side's validated condition. */
export interface Side {
  /** The kind's registered type, e.g. 'dirichlet'. */
  readonly kind: string
  /** The number a checkpoint records for the side: the Dirichlet value, the Neumann flux, the Robin h, 0 for periodic. */
  readonly value: number
  /** Robin: the ambient value; a checkpoint records it beside `value`. */
  readonly ambient?: number
  /** Robin: the heat-transfer coefficient h ≥ 0 (it tightens the stability limit); absent for other kinds. */
  readonly transfer?: number
  /** The side's nodes hold `value` and never evolve (Dirichlet). */
  readonly fixed: boolean
  /** The axis wraps (periodic): both of its sides must say so. */
  readonly wraps: boolean
  /**
   * The ghost rule for a node spacing `spacing` across the side and diffusivity α; `name` is the side's
   * option name, for the RangeError thrown when the rule's coefficients are not finite.
   */
  ghost(spacing: number, diffusivity: number, name: string): GhostRule
}

/** A boundary kind: its `type`, the keys its spec may have, and its parser. */
export interface BoundaryKind {
  readonly type: string
  readonly keys: readonly string[]
  /** Parses a spec whose keys were checked; throws naming `name` and the bad field. */
  parse(name: string, spec: Readonly<Record<string, unknown>>): Side
}
