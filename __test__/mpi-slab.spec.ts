// The MPI decomposition without MPI (runs everywhere): slabs cut rows in 2D and planes in 3D, a periodic
// slowest axis makes a ring, each rank's fields are the whole field's units, and the halo exchange hands
// MPI whole padded units at the right offsets of the slab's field.
import { describe, expect, it } from 'vitest'

import { paddedLengthOf, makeGrid } from '../dist/model/grid.js'
import { parseFieldInit, parseFieldUnits } from '../dist/options/fields.js'
import { unpackField } from '../dist/model/field.js'
import { exchangeHalo } from '../dist/parallel/halo.js'
import { checkRanks, kNoRank, slabGrid, slabOf, slabProblem, slabTimed, unitsOf } from '../dist/parallel/slab.js'
import { ringLayout, SlotFiller } from '../dist/model/side-ring.js'
import { validateOptions } from '../dist/options/validate.js'

const grid3d = (periodic = false) => makeGrid(9, 8, 1, 1, false, false, { nz: 13, lz: 1.5, periodic })
const grid2d = makeGrid(9, 13, 1, 1, false, false)

describe('slabs of units', () => {
  it('cut planes in 3D as they cut rows in 2D: the same owned units, depth and neighbours', () => {
    for (const rank of [0, 1, 2]) {
      const [planes, rows] = [slabOf(grid3d(), rank, 3), slabOf(grid2d, rank, 3)]
      expect(planes, `rank ${rank}`).toEqual(rows)
    }
    const middle = slabOf(grid3d(), 1, 3)
    // 13 planes over 3 ranks: 5, 4, 4; depth one less than the fewest (4).
    expect(middle).toMatchObject({ owned: { start: 5, end: 9 }, below: 3, above: 3, depth: 3, down: 0, up: 2 })
    expect(middle.units).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    expect(slabOf(grid3d(), 0, 3)).toMatchObject({ below: 0, down: kNoRank, units: [0, 1, 2, 3, 4, 5, 6, 7] })
  })

  it('join the ranks into a ring along a periodic z axis, and the slab grid is cut there', () => {
    const first = slabOf(grid3d(true), 0, 3)
    expect(first).toMatchObject({ down: 2, up: 1, below: 3, above: 3 })
    expect(first.units).toEqual([10, 11, 12, 0, 1, 2, 3, 4, 5, 6, 7])
    const cut = slabGrid(grid3d(true), first)
    expect(cut).toMatchObject({ nx: 9, ny: 8, nz: 11, periodicZ: false, dz: grid3d(true).dz })
    expect(cut.lz).toBeCloseTo(10 * grid3d(true).dz, 14)
    expect(slabGrid(grid3d(true), slabOf(grid3d(true), 0, 1))).toEqual(grid3d(true))
  })

  it('refuse too few planes with the 3D words, too few rows with the 2D ones', () => {
    expect(() => checkRanks(grid3d(), 7)).toThrow(
      'options.grid.nz (13) is too small for 7 MPI ranks: each rank needs at least 2 planes, so nz must be at least 14',
    )
    expect(() => checkRanks(grid2d, 7)).toThrow(
      'options.grid.ny (13) is too small for 7 MPI ranks: each rank needs at least 2 rows, so ny must be at least 14',
    )
    expect(() => checkRanks(grid3d(), 6)).not.toThrow()
  })
})

describe("a rank's fields", () => {
  const f = (x: number, y: number, z: number) => Math.sin(3 * x + y) * Math.exp(z) + x * y * z
  const units = [11, 12, 0, 1, 2]

  it('are the whole field’s planes, from a function or an array, in the order asked', () => {
    const whole = unpackField(grid3d(), parseFieldInit('options.initial', f, grid3d()))
    const mine = parseFieldUnits('options.initial', f, grid3d(), units)
    expect(mine).toEqual(unitsOf(grid3d(), whole, units))
    expect(mine.length).toBe(9 * 8 * units.length)
    expect(parseFieldUnits('options.initial', whole, grid3d(), units)).toEqual(mine)
    expect(parseFieldUnits('options.initial', 2.5, grid3d(), units)).toEqual(new Float64Array(9 * 8 * 5).fill(2.5))
  })

  it('are checked only on the rank’s planes, naming the node as one process does', () => {
    const bad = (x: number, y: number, z: number) => (z > 1.4 ? NaN : x + y)
    expect(() => parseFieldUnits('options.initial', bad, grid3d(), [0, 1, 2])).not.toThrow()
    expect(() => parseFieldUnits('options.initial', bad, grid3d(), [11, 12])).toThrow(
      'options.initial(x, y, z) must return a finite number, got NaN at node (0, 0, 12), x = 0, y = 0, z = 1.5',
    )
    const values = new Float64Array(9 * 8 * 13)
    values[9 * 8 * 12 + 9 * 3 + 4] = Infinity
    expect(() => parseFieldUnits('options.source', values, grid3d(), [12])).toThrow(
      'options.source[895] (node (4, 3, 12)) must be a finite number, got Infinity',
    )
    expect(() => parseFieldUnits('options.source', values.subarray(1), grid3d(), [0])).toThrow(
      /options\.source must be of length nx\*ny\*nz = 936/,
    )
  })
})

describe('the halo exchange', () => {
  it('hands MPI whole padded planes: the owned edges out, the halos in', () => {
    const grid = grid3d()
    const slab = slabOf(grid, 1, 3)
    const local = slabGrid(grid, slab)
    const field = new Float64Array(paddedLengthOf(local))
    const plane = 11 * 10
    const calls: { send: number[]; recv: number[]; dest: number; source: number }[] = []
    const span = (view: Float64Array) => [view.byteOffset / 8 / plane, view.length / plane]
    const comm = {
      PROC_NULL: -99,
      sendrecv(send: Float64Array, dest: number, recv: Float64Array, source: number) {
        calls.push({ send: span(send), recv: span(recv), dest, source })
        return recv.length
      },
    }
    exchangeHalo(comm, slab, field, plane)
    // Padded plane p holds slab plane p − 1: halos are slab planes 0–2 and 7–9, owned 3–6.
    expect(calls).toEqual([
      { send: [5, 3], dest: 2, recv: [1, 3], source: 0 },
      { send: [4, 3], dest: 0, recv: [8, 3], source: 2 },
    ])
  })
})

describe("a rank's side data and sources of t", () => {
  const left = (x: number, y: number, t: number) => Math.sin(3 * y) + 20 * t
  const options = {
    grid: { nx: 9, ny: 13 },
    boundary: {
      left: { type: 'dirichlet', value: left },
      right: { type: 'robin', h: (x: number, y: number, t: number) => 1 + y + t, ambient: 0 },
      bottom: { type: 'dirichlet', value: 1 },
      top: { type: 'neumann' },
    },
    source: (x: number, y: number, t: number) => x * y + t,
    steps: 5,
  } as const
  const problem = validateOptions(options as never, true)
  const slab = slabOf(problem.grid, 1, 3)
  const local = slabProblem(problem, slab, parseFieldUnits('options.initial', 0, problem.grid, slab.units), null, 1e-4)
  const dy = problem.grid.dy

  it('are taken at the whole grid’s positions, and from a resumed run’s time', () => {
    expect(slab.units[0]).toBe(2)
    for (const u of [0, 4, 9]) {
      expect(local.sides.left.valueAt!(0, u * dy, 0.5)).toBe(left(0, slab.units[u] * dy, 0.5))
      expect(local.sides.right.transferAt!(1, u * dy, 0.5)).toBe(1 + slab.units[u] * dy + 0.5)
      expect((local.sourceAt as typeof options.source)(0.5, u * dy, 0.5)).toBe(0.5 * slab.units[u] * dy + 0.5)
    }
    const resumed = slabTimed(problem, slab, 0.25)
    expect(resumed.sides.left.valueAt!(0, 3 * dy, 0.5)).toBe(left(0, slab.units[3] * dy, 0.25 + 0.5))
    const ghost = resumed.sides.right.ghost(problem.grid.dx, 1, 'options.boundary.right', { x: 1, y: 3 * dy, t: 0.5 })
    const whole = problem.sides.right.ghost(problem.grid.dx, 1, 'options.boundary.right', {
      x: 1,
      y: slab.units[3] * dy,
      t: 0.75,
    })
    expect(ghost).toEqual(whole)
  })

  it('leave the halo sides out of the side ring: neither written nor averaged into corners', () => {
    const layout = ringLayout(local.grid, local.sides, local.ghosts)!
    // Bottom and top border ranks 0 and 2: the ring holds left (Dirichlet of t) and right (Robin h of t).
    expect(layout.sides.map((s) => s.side)).toEqual([0, 1])
    const slot = new Float64Array(layout.slotLength)
    new SlotFiller(local.grid, local.sides, layout, problem.diffusivity).fill(slot, 0.5)
    // The left node of the slab's first unit (global row 2) holds the left side's value, no mean with the halo.
    expect(slot[1]).toBe(left(0, 2 * dy, 0.5))
    expect(slot[local.grid.ny]).toBe(left(0, slab.units[local.grid.ny - 1] * dy, 0.5))
  })
})
