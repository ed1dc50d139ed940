/**
 * What a boundary kind is: a module registered under its `type` (see index.ts) that parses its side
 * spec and says how the side is imposed. A new kind is one new module here; the kernels only ever see
 * its ghost rule.
 */
import type { At, Datum } from './data.js'
import type { GhostRule } from './rule.js'

export type SideName = 'left' | 'right' | 'bottom' | 'top'
export const kSideNames: readonly SideName[] = ['left', 'right', 'bottom', 'top']
/** The sides across z of a 3D grid: back (z = 0) and front (z = lz). */
export type ZSideName = 'back' | 'front'
/** Every side of a 3D grid. */
export type AnySideName = SideName | ZSideName
export const kSideNames3d: readonly AnySideName[] = ['left', 'right', 'bottom', 'top', 'back', 'front']

/** One side's validated condition. */
export interface Side {
  /** The kind's registered type, e.g. 'dirichlet'. */
  readonly kind: string
  /** The number a checkpoint records for the side: the Dirichlet value, the Neumann flux, the Robin h, 0 for periodic. */
  readonly value: number
  /** Robin: the ambient value; a checkpoint records it beside `value`. */
  readonly ambient?: Datum
  /**
   * Robin: the heat-transfer coefficient h ≥ 0 (it tightens the stability limit); absent for other kinds,
   * and for an h given as a function (the limit then takes h at t = 0, see equation.ts).
   */
  readonly transfer?: number
  /** The side's data as text, which a checkpoint compares (numbers, and digests of functions' code). */
  readonly spec?: string
  /** Some datum is a function (x, y, t): evaluated per node of the side for every step (model/side-ring.ts). */
  readonly varying?: boolean
  /** Robin: h at a node at (x, y) (and z on a 3D grid) and time t. */
  transferAt?(x: number, y: number, t: number, z?: number): number
  /** Dirichlet: the value at a node at (x, y) (and z on a 3D grid) and time t. */
  valueAt?(x: number, y: number, t: number, z?: number): number
  /** The side's nodes hold `value` and never evolve (Dirichlet). */
  readonly fixed: boolean
  /**
   * The side's nodes are fixed but held from outside (an MPI slab's halo side, which a neighbour fills):
   * the side ring neither writes them nor takes them into the means where fixed sides meet.
   */
  readonly held?: boolean
  /** The axis wraps (periodic): both of its sides must say so. */
  readonly wraps: boolean
  /**
   * The ghost rule for a node spacing `spacing` across the side and diffusivity α; `name` is the side's
   * option name, for the RangeError thrown when the rule's coefficients are not finite. `at`, a node
   * of the side and a time, evaluates data given as functions (without it: the side's rule as a whole).
   */
  ghost(spacing: number, diffusivity: number, name: string, at?: At): GhostRule
}

/** A boundary kind: its `type`, the keys its spec may have, and its parser. */
export interface BoundaryKind {
  readonly type: string
  readonly keys: readonly string[]
  /** Parses a spec whose keys were checked; throws naming `name` and the bad field. */
  parse(name: string, spec: Readonly<Record<string, unknown>>): Side
}
