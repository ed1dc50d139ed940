/**
 * Side data given as functions (x, y, t) reach the workers through a ring of per-step slots on shared
 * memory: the main thread evaluates them ahead, slot by slot, while the workers step, and each step reads
 * its own slot (crate/src/boundary/timed.rs and backends/js-ring.ts apply it). The state at t_{n+1} holds
 * the data at t_{n+1}: solver step n (from state n to n + 1) reads slot n mod slots.
 *
 * A slot holds one face of the padded box per side in the ring: a Dirichlet side its nodes' values, a
 * mirror side (Neumann, Robin) each ghost cell's b, then each ghost cell's c. A face is indexed by padded
 * coordinates (i′ = i + 1, …): across x by j′ + (ny + 2)·k′, across y by i′ + (nx + 2)·k′, across z by
 * i′ + (nx + 2)·j′ (k′ = 0 on a 2D grid, which has no z halo). When a Dirichlet side varies, every
 * Dirichlet side is in the ring, so that the corners and edges where they meet (the mean of their values)
 * are written with the rest; a mirror side is in it only when its own data vary.
 */
import { type AnySideName, fixedValues, kSideNames3d, type Sides } from './boundary/index.js'
import type { GhostRule } from './boundary/rule.js'
import { type FaceViews, ghostCoefficients } from './faces.js'
import { type Grid, is3d } from './grid.js'

/** One side in the ring (the shape NativeBand takes): 0 left … 5 front; without `mirror`, Dirichlet. */
export interface RingSide {
  readonly side: number
  readonly offset: number
  readonly mirror?: GhostRule
}

/** The ring's layout: `slots` slots of `slotLength` values for an nx × ny (× nz; 0 in 2D) grid. */
export interface RingLayout {
  readonly sides: readonly RingSide[]
  readonly slotLength: number
  readonly slots: number
  readonly nx: number
  readonly ny: number
  readonly nz: number
}

/** The ring's size on shared memory: slots of per-step data up to this many bytes (at least kMinSlots). */
const kRingBytes = 32 * 2 ** 20
const kMinSlots = 4
const kMaxSlots = 1024

/** Values in one face of `side` (0 … 5). */
export function faceLength(layout: Pick<RingLayout, 'nx' | 'ny' | 'nz'>, side: number): number {
  const planes = layout.nz === 0 ? 1 : layout.nz + 2
  if (side < 2) return (layout.ny + 2) * planes
  return side < 4 ? (layout.nx + 2) * planes : (layout.nx + 2) * (layout.ny + 2)
}

/**
 * The ring's layout for these sides, or null when no side's data are functions (then nothing varies
 * from step to step along the sides). `ghosts` are the sides' rules (a varying Robin side's rule reads
 * its boundary node).
 */
export function ringLayout(grid: Grid, sides: Sides, ghosts: Readonly<Record<string, GhostRule | undefined>>) {
  const names = kSideNames3d.filter((n) => sides[n] !== undefined)
  if (!names.some((n) => sides[n]!.varying === true)) return null
  const dirichlet = names.some((n) => sides[n]!.fixed && sides[n]!.varying === true)
  const shape = { nx: grid.nx, ny: grid.ny, nz: is3d(grid) ? grid.nz : 0 }
  const list: RingSide[] = []
  let offset = 0
  for (const name of names) {
    const side = sides[name]!
    const index = kSideNames3d.indexOf(name)
    if (side.fixed && dirichlet) list.push({ side: index, offset })
    else if (!side.fixed && side.varying === true) list.push({ side: index, offset, mirror: ghosts[name] })
    else continue
    offset += faceLength(shape, index) * (side.fixed ? 1 : 2)
  }
  const fit = Math.floor(kRingBytes / (offset * Float64Array.BYTES_PER_ELEMENT))
  const slots = 2 * Math.floor(Math.min(kMaxSlots, Math.max(kMinSlots, fit)) / 2)
  return { sides: list, slotLength: offset, slots, ...shape } satisfies RingLayout
}

/** Face index of padded coordinates (i′, j′, k′) on a face of `side`. */
function faceIndex(layout: RingLayout, side: number, i: number, j: number, k: number): number {
  if (side < 2) return j + (layout.ny + 2) * k
  return side < 4 ? i + (layout.nx + 2) * k : i + (layout.nx + 2) * j
}

/** Whether node (i, j, k) lies on `side` (0 left … 5 front). */
function onSide(grid: Grid, side: number, i: number, j: number, k: number): boolean {
  switch (side) {
    case 0:
      return i === 0
    case 1:
      return i === grid.nx - 1
    case 2:
      return j === 0
    case 3:
      return j === grid.ny - 1
    case 4:
      return k === 0
    default:
      return k === grid.nz - 1
  }
}

/** Writes the Dirichlet values at time t (`only`: of the nodes whose values vary) into `slot`. */
function fixedInto(grid: Grid, sides: Sides, layout: RingLayout, slot: Float64Array, t: number, only: boolean) {
  const dirichlet = layout.sides.filter((s) => s.mirror === undefined)
  const threeD = layout.nz !== 0
  if (dirichlet.length === 0) return
  const put = (i: number, j: number, v: number, k: number) => {
    const kk = threeD ? k + 1 : 0
    for (const s of dirichlet) {
      if (onSide(grid, s.side, i, j, k)) slot[s.offset + faceIndex(layout, s.side, i + 1, j + 1, kk)] = v
    }
  }
  fixedValues(grid, sides, t, put, only)
}

/** A slot holding the values of the Dirichlet sides constant in time, which every slot starts from. */
export function slotTemplate(grid: Grid, sides: Sides, layout: RingLayout): Float64Array {
  const template = new Float64Array(layout.slotLength)
  fixedInto(grid, sides, layout, template, 0, false)
  return template
}

/**
 * Writes the side data at time t into `slot` (one slot of the ring): the Dirichlet sides' node values
 * (from `template`, then the varying ones) and the varying mirror sides' ghost coefficients (with
 * `faces`, each cell's α; a varying mirror side always has them, see model/faces.ts needsFaces).
 */
export function fillSlot(
  grid: Grid,
  sides: Sides,
  layout: RingLayout,
  faces: FaceViews | null,
  slot: Float64Array,
  t: number,
  template: Float64Array,
): void {
  slot.set(template)
  fixedInto(grid, sides, layout, slot, t, true)
  const mirrors = new Map(layout.sides.filter((s) => s.mirror !== undefined).map((s) => [kSideNames3d[s.side], s]))
  if (mirrors.size === 0 || faces === null) return
  const [sx, sy] = [grid.nx + 2, grid.ny + 2]
  ghostCoefficients(grid, sides, faces, t, true, undefined, (name: AnySideName, cell, b, c) => {
    const s = mirrors.get(name)
    if (s === undefined) return
    const [i, j, k] = [cell % sx, Math.floor(cell / sx) % sy, Math.floor(cell / (sx * sy))]
    const at = s.offset + faceIndex(layout, s.side, i, j, k)
    slot[at] = b
    slot[at + faceLength(layout, s.side)] = c
  })
}
