/**
 * Variable diffusivity (the conservative form with harmonic-mean faces) against exact answers, on both
 * backends and 1–3 workers: a graded bar (second order), two layers in series (exact), a manufactured
 * solution with a source (second order), conservation and flux balance with per-node ghost α (exact),
 * identical bits everywhere (temporal blocking too), and what is refused.
 */
import { describe, expect, it } from 'vitest'

import { type SolveOptions, solve } from 'calor'

import { type Geometry, gridOf, relativeError, sample, spacing, trapezoid } from './exact.js'
import { kBackends, maxAbsDiff, sameBits } from './helpers.js'

const kTargets = kBackends.flatMap((backend) => [1, 2, 3].map((threads) => ({ backend, threads })))

/** Walls at 0 (left) and 1 (right), insulated top and bottom: a 1D bar along x. */
const kBar = {
  left: { type: 'dirichlet', value: 0 },
  right: { type: 'dirichlet', value: 1 },
  bottom: { type: 'neumann' },
  top: { type: 'neumann' },
} as const

/** A bar of nx nodes along x, 5 rows at the same spacing. */
const barOf = (nx: number): Geometry => ({ nx, ny: 5, lx: 1, ly: 4 / (nx - 1) })

describe.each(kTargets)('variable diffusivity on $backend with $threads threads', ({ backend, threads }) => {
  const run = (options: SolveOptions) => solve({ ...options, backend, threads })

  it('reaches ln(1 + x)/ln 2 through α = 1 + x at second order', async () => {
    const exact = (x: number) => Math.log1p(x) / Math.LN2
    const errorAt = async (nx: number) => {
      const g = barOf(nx)
      const result = await run({ grid: gridOf(g), diffusivity: (x) => 1 + x, boundary: kBar, tEnd: 3 })
      return maxAbsDiff(result.field, sample(g, exact))
    }
    const [coarse, fine] = [await errorAt(11), await errorAt(21)]
    expect(coarse).toBeGreaterThan(1e-5) // the grid error is there to be measured
    expect(coarse / fine).toBeGreaterThan(3.6)
    expect(coarse / fine).toBeLessThan(4.4)
  })

  it('holds the series-resistance profile of two layers exactly (harmonic-mean faces)', async () => {
    // Interface at x = 0.5, midway between nodes 9 and 10: the face takes 2·1·4/(1 + 4) = 1.6.
    const g: Geometry = { nx: 20, ny: 8, lx: 1, ly: 7 / 19 }
    const [a1, a2, xi] = [1, 4, 0.5]
    const flux = 1 / (xi / a1 + (1 - xi) / a2)
    const profile = (x: number) => (x < xi ? (flux * x) / a1 : flux * (xi / a1 + (x - xi) / a2))
    const initial = sample(g, profile)
    const diffusivity = sample(g, (x) => (x < xi ? a1 : a2))
    const result = await run({ grid: gridOf(g), diffusivity, initial, boundary: kBar, steps: 300 })
    expect(maxAbsDiff(result.field, initial)).toBeLessThan(1e-13)
    // The same profile is not steady with arithmetic-mean faces: the test can tell the two apart.
    expect(Math.abs(profile(10 / 19) - profile(9 / 19) - flux / 1.6 / 19)).toBeLessThan(1e-15)
  })

  it('converges at second order to a manufactured solution with α(x, y) and a source', async () => {
    const alpha = (x: number, y: number) => 1 + 0.5 * x + y * y
    const u = (x: number, y: number) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y)
    // f = −∇·(α∇u) makes u steady.
    const f = (x: number, y: number) => {
      const [sx, cx, sy, cy] = [
        Math.sin(Math.PI * x),
        Math.cos(Math.PI * x),
        Math.sin(Math.PI * y),
        Math.cos(Math.PI * y),
      ]
      return -(0.5 * Math.PI * cx * sy + 2 * y * Math.PI * sx * cy) + 2 * Math.PI ** 2 * alpha(x, y) * sx * sy
    }
    const errorAt = async (n: number) => {
      const g: Geometry = { nx: n, ny: n, lx: 1, ly: 1 }
      const result = await run({ grid: gridOf(g), diffusivity: alpha, source: f, initial: u, tEnd: 1.5 })
      return maxAbsDiff(result.field, sample(g, u))
    }
    const [coarse, fine] = [await errorAt(11), await errorAt(21)]
    expect(coarse).toBeGreaterThan(1e-4)
    expect(coarse / fine).toBeGreaterThan(3.5)
    expect(coarse / fine).toBeLessThan(4.5)
  })

  it('conserves heat exactly under insulated sides, and takes in exactly the Neumann fluxes', async () => {
    const g: Geometry = { nx: 17, ny: 13, lx: 1.2, ly: 0.9 }
    const diffusivity = (x: number, y: number) => 0.5 + x * x + Math.sin(3 * y) ** 2
    const initial = sample(g, (x, y) => Math.exp(-((x - 0.4) ** 2 + (y - 0.5) ** 2) / 0.02))
    const steps = 300
    const insulated = await run({ grid: gridOf(g), diffusivity, initial, boundary: { type: 'neumann' }, steps })
    expect(maxAbsDiff(insulated.field, initial)).toBeGreaterThan(0.1)
    expect(relativeError(trapezoid(g, insulated.field), trapezoid(g, initial))).toBeLessThan(1e-12)
    const [qLeft, qTop] = [-0.7, 0.4]
    const boundary = {
      left: { type: 'neumann', flux: qLeft },
      right: { type: 'neumann' },
      bottom: { type: 'neumann' },
      top: { type: 'neumann', flux: qTop },
    } as const
    const heated = await run({ grid: gridOf(g), diffusivity, initial, boundary, steps })
    const gained = trapezoid(g, heated.field) - trapezoid(g, initial)
    const expected = -steps * heated.dt * (qLeft * g.ly + qTop * g.lx)
    expect(relativeError(gained, expected)).toBeLessThan(1e-10)
  })
})

describe.each(kTargets)('variable diffusivity on a periodic grid on $backend with $threads threads', (target) => {
  it('conserves the plain sum exactly (wrapped faces)', async () => {
    const g: Geometry = { nx: 12, ny: 10, lx: 1, ly: 1, periodicX: true, periodicY: true }
    const initial = sample(g, (x, y) => Math.exp(-((x - 0.3) ** 2 + (y - 0.6) ** 2) / 0.02))
    const diffusivity = (x: number, y: number) => 1 + x + Math.sin(6 * y) ** 2
    const result = await solve({
      ...target,
      grid: gridOf(g),
      diffusivity,
      initial,
      boundary: { type: 'periodic' },
      steps: 300,
    })
    expect(maxAbsDiff(result.field, initial)).toBeGreaterThan(0.1)
    expect(relativeError(trapezoid(g, result.field), trapezoid(g, initial))).toBeLessThan(1e-12)
  })
})

describe('variable diffusivity: identical bits everywhere', () => {
  it('every backend, thread count and blocking depth gives the same field', async () => {
    const g: Geometry = { nx: 23, ny: 40, lx: 1, ly: 1.6 }
    const options: SolveOptions = {
      grid: gridOf(g),
      diffusivity: (x, y) => 0.3 + x + 0.5 * Math.cos(4 * y) ** 2,
      initial: (x, y) => Math.sin(3 * x) + y,
      source: (x, y) => x - y,
      boundary: {
        left: { type: 'periodic' },
        right: { type: 'periodic' },
        bottom: { type: 'neumann', flux: 0.3 },
        top: { type: 'dirichlet', value: 1 },
      },
      steps: 61,
    }
    const reference = await solve({ ...options, backend: 'js', threads: 1 })
    expect(
      maxAbsDiff(
        reference.field,
        sample(g, (x, y) => Math.sin(3 * x) + y),
      ),
    ).toBeGreaterThan(1e-3)
    for (const backend of kBackends) {
      for (const [threads, temporalBlocking] of [
        [1, 1],
        [2, 1],
        [3, 1],
        [1, 4],
        [2, 3],
        [3, 2],
      ]) {
        const result = await solve({ ...options, backend, threads, temporalBlocking })
        expect(sameBits(result.field, reference.field), `${backend}, ${threads} threads, k ${temporalBlocking}`).toBe(
          true,
        )
      }
    }
  })
})

describe('variable diffusivity: what is refused', () => {
  const grid = { nx: 5, ny: 4 }
  const base = { grid, steps: 1, backend: 'js' } as const

  it.each([
    [
      'a negative node',
      (x: number) => x - 0.5,
      /options\.diffusivity must be positive at every node, got -0\.5 at node \(0, 0\)/,
    ],
    ['a zero α', () => 0, /options\.diffusivity must be positive at every node, got 0 at node \(0, 0\)/],
    [
      'a NaN',
      (x: number, y: number) => (y > 0.5 ? NaN : 1),
      /options\.diffusivity\(x, y\) must return a finite number, got NaN at node \(0, 2\)/,
    ],
    [
      'a function that throws',
      () => {
        throw new Error('no α here')
      },
      /options\.diffusivity\(x, y\) threw at x = 0, y = 0: no α here/,
    ],
    [
      'an array of the wrong length',
      new Float64Array(19).fill(1),
      /options\.diffusivity must be of length nx\*ny = 20/,
    ],
    [
      'a negative array value',
      Float64Array.from({ length: 20 }, (_, k) => (k === 13 ? -2 : 1)),
      /got -2 at node \(3, 2\)/,
    ],
    ['a negative number', -1, /options\.diffusivity must be a positive finite number, got -1/],
    ['a string', '1', /options\.diffusivity must be a number, a function/],
  ])('refuses %s', async (_, diffusivity, message) => {
    await expect(solve({ ...base, diffusivity: diffusivity as never })).rejects.toThrow(message)
  })

  it('takes the stability limit from the largest α', async () => {
    const g: Geometry = { nx: 9, ny: 9, lx: 1, ly: 1 }
    const { dx, dy } = spacing(g)
    const limit = 1 / (2 * 3 * (1 / dx ** 2 + 1 / dy ** 2))
    const diffusivity = (x: number) => 1 + 2 * x
    await expect(solve({ ...base, grid: gridOf(g), diffusivity, dt: limit * 1.01 })).rejects.toThrow(/stable limit/)
    const ok = await solve({ ...base, grid: gridOf(g), diffusivity, dt: limit, initial: 1 })
    expect(ok.dt).toBe(limit)
  })
})
