/**
 * Which nodes evolve, and how the halo is kept up to date, derived from a validated Problem.
 * Dirichlet nodes never change; Neumann and periodic sides are imposed through ghost cells.
 */
import type { Problem, Side } from './options.js'
import type { GhostRowJob } from './protocol.js'
import { kGhostMirror, kGhostUnused, kGhostWrap, type StencilSpec } from './stencil.js'

/** The evolving node columns and rows (inclusive ranges). */
export interface Evolving {
  readonly firstColumn: number
  readonly lastColumn: number
  readonly firstRow: number
  readonly lastRow: number
}

export function evolvingNodes(problem: Problem): Evolving {
  const { nx, ny } = problem.grid
  const { left, right, bottom, top } = problem.sides
  const fixed = (side: Side) => (side.kind === 'dirichlet' ? 1 : 0)
  return {
    firstColumn: fixed(left),
    lastColumn: nx - 1 - fixed(right),
    firstRow: fixed(bottom),
    lastRow: ny - 1 - fixed(top),
  }
}

/** Evolving nodes per step: the count behind "updates per second". */
export function evolvingCount(problem: Problem): number {
  const e = evolvingNodes(problem)
  return (e.lastColumn - e.firstColumn + 1) * (e.lastRow - e.firstRow + 1)
}

/** 2·h·q/α: how far a Neumann ghost sits below the node it mirrors. */
const neumannOffset = (side: Side, spacing: number, diffusivity: number) => (2 * spacing * side.value) / diffusivity

function ghostKind(side: Side): number {
  if (side.kind === 'neumann') return kGhostMirror
  return side.kind === 'periodic' ? kGhostWrap : kGhostUnused
}

/** The stencil for a step of `dt`. */
export function stencilSpec(problem: Problem, dt: number): StencilSpec {
  const { grid, diffusivity: alpha, sides } = problem
  const e = evolvingNodes(problem)
  const offset = (side: Side) => (side.kind === 'neumann' ? neumannOffset(side, grid.dx, alpha) : 0)
  return {
    nx: grid.nx,
    first: e.firstColumn,
    last: e.lastColumn,
    rx: (alpha * dt) / grid.dx ** 2,
    ry: (alpha * dt) / grid.dy ** 2,
    dt,
    leftKind: ghostKind(sides.left),
    leftOffset: offset(sides.left),
    rightKind: ghostKind(sides.right),
    rightOffset: offset(sides.right),
  }
}

/**
 * The ghost rows (bottom: padded row 0, top: padded row ny + 1), each with the node row it is made
 * from. The worker owning that node row refreshes the ghost after each step, so no two workers write
 * the same memory and nobody writes what another reads within a step.
 */
export function ghostRowJobs(problem: Problem): (GhostRowJob & { owner: number })[] {
  const { grid, diffusivity: alpha, sides } = problem
  const ny = grid.ny
  const jobs: (GhostRowJob & { owner: number })[] = []
  const add = (target: number, owner: number, offset: number) => jobs.push({ target, from: owner + 1, offset, owner })
  if (sides.bottom.kind === 'neumann') add(0, 1, neumannOffset(sides.bottom, grid.dy, alpha))
  if (sides.bottom.kind === 'periodic') add(0, ny - 1, 0)
  if (sides.top.kind === 'neumann') add(ny + 1, ny - 2, neumannOffset(sides.top, grid.dy, alpha))
  if (sides.top.kind === 'periodic') add(ny + 1, 0, 0)
  return jobs
}
