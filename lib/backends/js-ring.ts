/**
 * The js kernel's reading of the side ring (model/side-ring.ts), the twin of crate/src/boundary/timed.rs
 * with the same writes in the same order. A unit is a padded row (2D) or plane (3D), given as an array
 * and the offset of the unit in it:
 * - before the stencil, `prepareUnit` writes the Dirichlet nodes within the unit;
 * - after it, `finishUnit` recomputes the ghost cells of the ring's mirror sides within the unit;
 * - the run loop's ghost rows take `jobCells`; a Dirichlet side's own unit is written by
 *   `writeBoundaryUnits` when the unit inside it is done.
 */
import type { GhostCells } from '../model/boundary/rule.js'
import { faceLength, type RingLayout, type RingSide } from '../model/side-ring.js'

const [kLeft, kRight, kBottom, kTop] = [0, 1, 2, 3]

/** a·inside + b·boundary + c (reads) or a·inside + c, as the native kernel evaluates it. */
const mirror = (a: number, reads: boolean, b: number, c: number, inside: number, boundary: number) =>
  reads ? a * inside + b * boundary + c : a * inside + c

export class RingReader {
  readonly #layout: RingLayout
  readonly #ring: Float64Array
  readonly #bySide: (RingSide | undefined)[]
  /** The current slot's start in the ring. */
  #base = 0

  constructor(layout: RingLayout, ring: Float64Array) {
    this.#layout = layout
    this.#ring = ring
    this.#bySide = [0, 1, 2, 3, 4, 5].map((n) => layout.sides.find((s) => s.side === n))
  }

  /** Reads solver step n's slot from now on. */
  select(n: number): void {
    this.#base = (n % this.#layout.slots) * this.#layout.slotLength
  }

  /** The start of a face of `side` in the ring (which = 1: a mirror's c), or −1 if the side is not (so) in the ring. */
  #face(side: number, mirrors: boolean, which = 0): number {
    const s = this.#bySide[side]
    if (s === undefined || (s.mirror !== undefined) !== mirrors) return -1
    return this.#base + s.offset + which * faceLength(this.#layout, side)
  }

  /** Dirichlet nodes within padded unit `u` at `at` of `a`. */
  prepareUnit(a: Float64Array, at: number, u: number): void {
    const { nx, ny, nz } = this.#layout
    const [row, ring] = [nx + 2, this.#ring]
    const [first, last] = nz === 0 ? [0, 0] : [1, ny]
    for (const [side, column] of [
      [kLeft, 1],
      [kRight, nx],
    ]) {
      const f = this.#face(side, false)
      if (f < 0) continue
      for (let j = first; j <= last; j++) a[at + j * row + column] = ring[f + (nz === 0 ? u : j + (ny + 2) * u)]
    }
    if (nz === 0) return
    for (const [side, j] of [
      [kBottom, 1],
      [kTop, ny],
    ]) {
      const f = this.#face(side, false)
      if (f < 0) continue
      for (let i = 1; i <= nx; i++) a[at + j * row + i] = ring[f + u * row + i]
    }
  }

  /** Mirror ghost cells within padded unit `u` at `at` of `a`: ghost columns of padded rows first…last (3D), then ghost rows. */
  finishUnit(a: Float64Array, at: number, u: number, first: number, last: number): void {
    const { nx, ny, nz } = this.#layout
    const [row, ring] = [nx + 2, this.#ring]
    const [j0, j1] = nz === 0 ? [0, 0] : [first, last]
    for (const side of [kLeft, kRight]) {
      const b = this.#face(side, true)
      if (b < 0) continue
      const [c, { a: w, b: reads }] = [this.#face(side, true, 1), this.#bySide[side]!.mirror!]
      for (let j = j0; j <= j1; j++) {
        const [o, f] = [at + j * row, nz === 0 ? u : j + (ny + 2) * u]
        if (side === kLeft) a[o] = mirror(w, reads !== 0, ring[b + f], ring[c + f], a[o + 2], a[o + 1])
        else a[o + nx + 1] = mirror(w, reads !== 0, ring[b + f], ring[c + f], a[o + nx - 1], a[o + nx])
      }
    }
    if (nz === 0) return
    for (const [side, target, inside, boundary] of [
      [kBottom, 0, 2, 1],
      [kTop, ny + 1, ny - 1, ny],
    ]) {
      const b = this.#face(side, true)
      if (b < 0) continue
      const [c, { a: w, b: reads }] = [this.#face(side, true, 1), this.#bySide[side]!.mirror!]
      const [t, p, q] = [at + target * row, at + inside * row, at + boundary * row]
      for (let i = 1; i <= nx; i++) {
        a[t + i] = mirror(w, reads !== 0, ring[b + u * row + i], ring[c + u * row + i], a[p + i], a[q + i])
      }
    }
  }

  /** The cells of the run loop's ghost row `target` (padded unit 0 or the last), if its side is a mirror in the ring. */
  jobCells(target: number): GhostCells | undefined {
    const { ny, nz } = this.#layout
    const units = nz === 0 ? ny + 2 : nz + 2
    const side = (nz === 0 ? kBottom : 4) + (target === 0 ? 0 : target === units - 1 ? 1 : NaN)
    const b = Number.isNaN(side) ? -1 : this.#face(side, true)
    if (b < 0) return undefined
    const [c, n] = [this.#face(side, true, 1), faceLength(this.#layout, side)]
    return { b: this.#ring.subarray(b, b + n), c: this.#ring.subarray(c, c + n) }
  }

  /** The Dirichlet units padded unit `u` is just inside of, written into `field` (the whole padded field, units of `unit`). */
  writeBoundaryUnits(field: Float64Array, unit: number, u: number): void {
    const { nx, ny, nz } = this.#layout
    const units = nz === 0 ? ny + 2 : nz + 2
    const low = nz === 0 ? kBottom : 4
    for (const [side, target] of [
      [low, u === 2 ? 1 : -1],
      [low + 1, u === units - 3 ? units - 2 : -1],
    ]) {
      const f = target < 0 ? -1 : this.#face(side, false)
      if (f < 0) continue
      const [row, at] = [nx + 2, target * unit]
      for (let j = nz === 0 ? 0 : 1; j <= (nz === 0 ? 0 : ny); j++) {
        for (let i = 1; i <= nx; i++) field[at + j * row + i] = this.#ring[f + j * row + i]
      }
    }
  }
}
