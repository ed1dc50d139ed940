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
 * are written with the rest; a mirror side is in it only when its own data vary. A side held from outside
 * (Side.held: an MPI slab's halo side) is never in it, and no mean takes it.
 */
import { fixedValues, kSideNames3d, mean, type Side, type Sides } from './boundary/index.js'
import type { GhostRule } from './boundary/rule.js'
import { type FaceViews, mirrorCells } from './faces.js'
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

/**
 * The sides as the ring sees them: a side held from outside (Side.held) is no fixed side of the ring, so
 * it is not in it and no mean where fixed sides meet takes it.
 */
function ringSides(sides: Sides): Sides {
  const held = (side: Side | undefined) => (side?.held === true ? { ...side, fixed: false } : side)
  return Object.fromEntries(Object.entries(sides).map(([name, side]) => [name, held(side)])) as unknown as Sides
}

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
export function ringLayout(grid: Grid, all: Sides, ghosts: Readonly<Record<string, GhostRule | undefined>>) {
  const sides = ringSides(all)
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

/**
 * The Dirichlet nodes whose values vary, laid out once: each node's position, the fixed sides it lies on
 * (their mean where two or three meet, as boundary/index.ts fixedValues takes it) and where it goes in the slot.
 */
interface DirichletPlan {
  readonly x: Float64Array
  readonly y: Float64Array
  readonly z: Float64Array | null
  /** Per node, the fixed sides it lies on (one to three). */
  readonly on: Side[][]
  /** Per node, its places in the slot (one per Dirichlet face of the ring it lies on). */
  readonly at: number[][]
}

function dirichletPlan(grid: Grid, sides: Sides, layout: RingLayout): DirichletPlan {
  const dirichlet = layout.sides.filter((s) => s.mirror === undefined)
  const threeD = is3d(grid)
  const [x, y, z, on, at]: [number[], number[], number[], Side[][], number[][]] = [[], [], [], [], []]
  const seen = new Set<number>()
  const record = (i: number, j: number, _: number, k: number) => {
    const key = (k * grid.ny + j) * grid.nx + i
    const fixed = kSideNames3d.filter((n, side) => sides[n]?.fixed === true && onSide(grid, side, i, j, k))
    if (seen.has(key) || !fixed.some((n) => sides[n]!.varying === true)) return
    seen.add(key)
    const kk = threeD ? k + 1 : 0
    const places = dirichlet.filter((s) => onSide(grid, s.side, i, j, k))
    x.push(i * grid.dx)
    y.push(j * grid.dy)
    z.push(k * grid.dz)
    on.push(fixed.map((n) => sides[n]!))
    at.push(places.map((s) => s.offset + faceIndex(layout, s.side, i + 1, j + 1, kk)))
  }
  fixedValues(grid, sides, 0, record, true)
  return { x: Float64Array.from(x), y: Float64Array.from(y), z: threeD ? Float64Array.from(z) : null, on, at }
}

/** The value of a fixed node at (x, y, z) and t: its side's, or the mean of the two or three sides it lies on. */
function fixedValue(on: readonly Side[], x: number, y: number, z: number | undefined, t: number): number {
  const a = valueOf(on[0], x, y, z, t)
  if (on.length === 1) return a
  const b = valueOf(on[1], x, y, z, t)
  return on.length === 2 ? mean(a, b) : a / 3 + b / 3 + valueOf(on[2], x, y, z, t) / 3
}

const valueOf = (s: Side, x: number, y: number, z: number | undefined, t: number) => s.valueAt?.(x, y, t, z) ?? s.value

/** Writes every Dirichlet value at time t into `slot` (the template's constant values). */
function fixedInto(grid: Grid, sides: Sides, layout: RingLayout, slot: Float64Array, t: number) {
  const dirichlet = layout.sides.filter((s) => s.mirror === undefined)
  const threeD = layout.nz !== 0
  const put = (i: number, j: number, v: number, k: number) => {
    const kk = threeD ? k + 1 : 0
    for (const s of dirichlet) {
      if (onSide(grid, s.side, i, j, k)) slot[s.offset + faceIndex(layout, s.side, i + 1, j + 1, kk)] = v
    }
  }
  if (dirichlet.length > 0) fixedValues(grid, sides, t, put)
}

/** A varying mirror side's ghost cells, laid out once: where each goes in the slot, its α and node. */
interface MirrorPlan {
  readonly name: string
  readonly side: Side
  readonly spacing: number
  readonly b: number
  readonly c: number
  readonly at: Int32Array
  readonly alpha: Float64Array
  readonly x: Float64Array
  readonly y: Float64Array
  readonly z: Float64Array | null
}

/**
 * Fills slots of the ring: every slot starts from a template holding the Dirichlet sides constant in time,
 * then takes the varying Dirichlet nodes (corners and edges where they meet others included) and the
 * varying mirror sides' ghost coefficients at its time, each cell with its face's α (`faces`) or the
 * constant α (a number).
 */
export class SlotFiller {
  readonly #template: Float64Array
  readonly #mirrors: MirrorPlan[]
  readonly #fixed: DirichletPlan

  constructor(grid: Grid, all: Sides, layout: RingLayout, faces: FaceViews | number) {
    const sides = ringSides(all)
    this.#template = new Float64Array(layout.slotLength)
    fixedInto(grid, sides, layout, this.#template, 0)
    this.#fixed = dirichletPlan(grid, sides, layout)
    const [sx, sy] = [grid.nx + 2, grid.ny + 2]
    this.#mirrors = layout.sides.flatMap((s) => {
      const name = kSideNames3d[s.side]
      if (s.mirror === undefined) return []
      const { spacing, cells } = mirrorCells(grid, name, faces)
      const index = ({ cell }: { cell: number }) =>
        s.offset + faceIndex(layout, s.side, cell % sx, Math.floor(cell / sx) % sy, Math.floor(cell / (sx * sy)))
      const [b, c] = [s.offset, s.offset + faceLength(layout, s.side)]
      const z = is3d(grid) ? Float64Array.from(cells, (p) => p.z!) : null
      const of = (f: (p: (typeof cells)[number]) => number) => Float64Array.from(cells, f)
      const at = Int32Array.from(cells, (p) => index(p) - s.offset)
      return [
        {
          name: `options.boundary.${name}`,
          side: sides[name]!,
          spacing,
          b,
          c,
          at,
          alpha: of((p) => p.alpha),
          x: of((p) => p.x),
          y: of((p) => p.y),
          z,
        },
      ]
    })
  }

  /** Writes the side data at time t into `slot`. */
  fill(slot: Float64Array, t: number): void {
    slot.set(this.#template)
    const { x, y, z, on, at } = this.#fixed
    for (let n = 0; n < x.length; n++) {
      const v = fixedValue(on[n], x[n], y[n], z === null ? undefined : z[n], t)
      for (const place of at[n]) slot[place] = v
    }
    for (const m of this.#mirrors) {
      for (let n = 0; n < m.at.length; n++) {
        const z = m.z === null ? undefined : m.z[n]
        const rule = m.side.ghost(m.spacing, m.alpha[n], m.name, { x: m.x[n], y: m.y[n], z, t })
        slot[m.b + m.at[n]] = rule.b
        slot[m.c + m.at[n]] = rule.c
      }
    }
  }
}
