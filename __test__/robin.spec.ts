/**
 * The Robin (convective) boundary −α ∂u/∂n = h·(u − ambient) against exact answers, on both backends
 * and 1–3 workers: the steady linear profile, the discrete steady state of a graded bar (exact), heat
 * conserved at h = 0 and lost at exactly the convective rate, identical bits under temporal blocking
 * (the ghost rows then read two node rows), and what is refused.
 */
import { describe, expect, it } from 'vitest'

import { type SolveOptions, Solver, solve } from 'calor'

import { type Geometry, gridOf, relativeError, sample, spacing, trapezoid } from './exact.js'
import { kBackends, maxAbsDiff, sameBits } from './helpers.js'

const kTargets = kBackends.flatMap((backend) => [1, 2, 3].map((threads) => ({ backend, threads })))

/** A bar along x: a wall at 1 on the left, Robin on the right, insulated (Neumann and Robin h = 0) sides. */
const barSides = (h: number, ambient: number) =>
  ({
    left: { type: 'dirichlet', value: 1 },
    right: { type: 'robin', h, ambient },
    bottom: { type: 'neumann' },
    top: { type: 'robin', h: 0 },
  }) as const

/** Trapezoid weights along a side of n nodes. */
const sideWeight = (k: number, n: number) => (k === 0 || k === n - 1 ? 0.5 : 1)

describe.each(kTargets)('Robin boundary on $backend with $threads threads', ({ backend, threads }) => {
  const run = (options: SolveOptions) => solve({ ...options, backend, threads })

  it('reaches and holds the steady linear profile between a wall and a Robin side', async () => {
    const g: Geometry = { nx: 21, ny: 6, lx: 1, ly: 0.25 }
    const [alpha, h, ambient] = [0.8, 2.5, 0.2]
    const slope = (-h * (1 - ambient)) / (alpha + h)
    const exact = sample(g, (x) => 1 + slope * x)
    const options = { grid: gridOf(g), diffusivity: alpha, boundary: barSides(h, ambient) }
    const held = await run({ ...options, initial: exact, steps: 400 })
    expect(maxAbsDiff(held.field, exact)).toBeLessThan(1e-13)
    const reached = await run({ ...options, initial: 0, tEnd: 4 })
    expect(maxAbsDiff(reached.field, exact)).toBeLessThan(1e-7)
  })

  it('holds the exact discrete steady state of a graded bar with a Robin end (face α at the ghost)', async () => {
    const g: Geometry = { nx: 17, ny: 5, lx: 1, ly: 0.25 }
    const [h, ambient] = [3, -0.5]
    const { dx } = spacing(g)
    const alpha = (x: number) => 1 + x * x
    const faces = Array.from({ length: g.nx - 1 }, (_, i) => {
      const [a, b] = [alpha(i * dx), alpha((i + 1) * dx)]
      return a * ((2 * b) / (a + b))
    })
    // Series resistances: the faces, then the film 1/h.
    const flux = (1 - ambient) / (faces.reduce((sum, a) => sum + dx / a, 0) + 1 / h)
    const nodes = [1]
    for (const a of faces) nodes.push(nodes[nodes.length - 1] - (flux * dx) / a)
    expect(nodes[g.nx - 1]).toBeCloseTo(ambient + flux / h, 12)
    const initial = sample(g, (x) => nodes[Math.round(x / dx)])
    const result = await run({
      grid: gridOf(g),
      diffusivity: alpha,
      boundary: barSides(h, ambient),
      initial,
      steps: 300,
    })
    expect(maxAbsDiff(result.field, initial)).toBeLessThan(1e-13)
  })

  it('conserves heat exactly at h = 0, with a variable α', async () => {
    const g: Geometry = { nx: 15, ny: 12, lx: 1, ly: 0.8 }
    const initial = sample(g, (x, y) => Math.exp(-((x - 0.3) ** 2 + (y - 0.6) ** 2) / 0.03))
    const diffusivity = (x: number, y: number) => 1 + x + 0.5 * Math.sin(5 * y) ** 2
    const boundary = { type: 'robin', h: 0, ambient: 7 } as const
    const result = await run({ grid: gridOf(g), diffusivity, initial, boundary, steps: 250 })
    expect(maxAbsDiff(result.field, initial)).toBeGreaterThan(0.1)
    expect(relativeError(trapezoid(g, result.field), trapezoid(g, initial))).toBeLessThan(1e-12)
  })

  it('loses heat at exactly the convective rate h·(u − ambient) of each step', async () => {
    const g: Geometry = { nx: 13, ny: 11, lx: 1, ly: 0.9 }
    const { dx, dy } = spacing(g)
    const [hLeft, hTop, ambient] = [1.5, 4, 0.25]
    const boundary = {
      left: { type: 'robin', h: hLeft, ambient },
      right: { type: 'neumann' },
      bottom: { type: 'neumann' },
      top: { type: 'robin', h: hTop, ambient },
    } as const
    const diffusivity = (x: number, y: number) => 0.5 + x * y + y
    const initial = sample(g, (x, y) => 1 + Math.cos(3 * x) * y)
    await using solver = await Solver.create({ grid: gridOf(g), diffusivity, initial, boundary, backend, threads })
    let [field, lost, dt] = [solver.field(), 0, 0]
    for (let step = 0; step < 40; step++) {
      for (let j = 0; j < g.ny; j++) lost += sideWeight(j, g.ny) * dy * hLeft * (field[j * g.nx] - ambient)
      for (let i = 0; i < g.nx; i++) {
        lost += sideWeight(i, g.nx) * dx * hTop * (field[(g.ny - 1) * g.nx + i] - ambient)
      }
      dt = (await solver.advance({ steps: 1 })).dt
      field = solver.field()
    }
    const change = trapezoid(g, field) - trapezoid(g, initial)
    expect(change).toBeLessThan(-0.01)
    expect(relativeError(change, -dt * lost)).toBeLessThan(1e-10)
  })
})

describe('Robin boundary: identical bits, bands and blocking', () => {
  it('gives the same field on every backend, thread count and blocking depth (ghost rows read two rows)', async () => {
    const g: Geometry = { nx: 19, ny: 44, lx: 1, ly: 2 }
    const boundary = {
      left: { type: 'dirichlet', value: 0.5 },
      right: { type: 'robin', h: 0.7, ambient: -1 },
      bottom: { type: 'robin', h: 2, ambient: 1 },
      top: { type: 'robin', h: 5, ambient: 0 },
    } as const
    const options: SolveOptions = {
      grid: gridOf(g),
      diffusivity: (x, y) => 1 + 0.5 * x + 0.25 * y,
      initial: (x, y) => Math.sin(2 * x + y),
      source: 0.5,
      boundary,
      steps: 57,
    }
    const reference = await solve({ ...options, backend: 'js', threads: 1 })
    for (const backend of kBackends) {
      for (const [threads, temporalBlocking] of [
        [2, 1],
        [3, 1],
        [1, 5],
        [2, 4],
        [3, 3],
      ]) {
        const result = await solve({ ...options, backend, threads, temporalBlocking })
        const label = `${backend}, ${threads} threads, k ${temporalBlocking}`
        expect(sameBits(result.field, reference.field), label).toBe(true)
      }
    }
  })

  it('keeps 2 rows in every band when a bottom or top side is Robin', async () => {
    const options: SolveOptions = {
      grid: { nx: 6, ny: 4 },
      boundary: { type: 'robin', h: 1, ambient: 2 },
      initial: (x, y) => x + y * y,
      steps: 20,
    }
    await using solver = await Solver.create({ ...options, threads: 4, backend: 'native' })
    expect(solver.threads).toBe(2)
    await solver.advance({ steps: 20 })
    const one = await solve({ ...options, threads: 1, backend: 'js' })
    expect(sameBits(solver.field(), one.field)).toBe(true)
  })
})

describe('Robin boundary: what is refused', () => {
  const base = { grid: { nx: 6, ny: 5 }, steps: 1, backend: 'js' } as const

  it.each([
    [
      'a negative h',
      { type: 'robin', h: -1 },
      'options.boundary.h must be a finite number >= 0 or a function (x, y, t), got -1',
    ],
    [
      'a missing h',
      { type: 'robin' },
      'options.boundary.h must be a finite number >= 0 or a function (x, y, t), got undefined',
    ],
    [
      'a NaN h',
      { type: 'robin', h: NaN },
      'options.boundary.h must be a finite number >= 0 or a function (x, y, t), got NaN',
    ],
    [
      'a string ambient',
      { type: 'robin', h: 1, ambient: '0' },
      'options.boundary.ambient must be a finite number or a function (x, y, t), got "0"',
    ],
    [
      'an unknown key',
      { type: 'robin', h: 1, flux: 2 },
      'Unknown option options.boundary.flux; expected one of type, h, ambient',
    ],
  ])('refuses %s', async (_, boundary, message) => {
    await expect(solve({ ...base, boundary: boundary as never })).rejects.toThrow(message)
  })

  it('tightens the stability limit by 2h/Δ', async () => {
    const g: Geometry = { nx: 11, ny: 6, lx: 1, ly: 0.5 }
    const { dx, dy } = spacing(g)
    const h = 30
    const boundary = {
      left: { type: 'robin', h },
      right: { type: 'robin', h },
      bottom: { type: 'neumann' },
      top: { type: 'neumann' },
    } as const
    const limit = 1 / (2 * (1 / dx ** 2 + 1 / dy ** 2) + (2 * h) / dx)
    await expect(solve({ ...base, grid: gridOf(g), boundary, dt: limit * 1.001 })).rejects.toThrow(
      /exceeds the stable limit 1\/\(2α\(1\/dx² \+ 1\/dy²\) \+ 2h_x\/dx \+ 2h_y\/dy\)/,
    )
    const ok = await solve({ ...base, grid: gridOf(g), boundary, dt: limit, initial: 1, steps: 50 })
    expect(Math.max(...ok.field)).toBeLessThanOrEqual(1)
    expect(Math.min(...ok.field)).toBeGreaterThanOrEqual(0)
  })
})
