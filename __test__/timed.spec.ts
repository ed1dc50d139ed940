/**
 * Boundary data and sources that vary in space and time, on both backends and 1–3 workers, against
 * answers FTCS reproduces exactly when the time conventions are right: boundary nodes of the state at
 * t_{n+1} hold g(t_{n+1}), and step n takes the source at t_n.
 */
import { describe, expect, it } from 'vitest'

import { type SolveOptions, Solver, solve } from 'calor'

import { type Geometry, gridOf, relativeError, sample, spacing, trapezoid } from './exact.js'
import { bitDifferences, kBackends, maxAbsDiff } from './helpers.js'

const kTargets = kBackends.flatMap((backend) => [1, 2, 3].map((threads) => ({ backend, threads })))

/** Σ dt·f(t_n), n = 0…steps − 1, summed in step order as the solver adds it. */
function sumOf(f: (t: number) => number, dt: number, steps: number): number {
  let u = 0
  for (let n = 0; n < steps; n++) u += dt * f(n * dt)
  return u
}

describe.each(kTargets)('data in space and time on $backend with $threads threads', ({ backend, threads }) => {
  const run = (options: SolveOptions) => solve({ ...options, backend, threads })

  it('reproduces the Dirichlet solution g = t + (x² + y²)/4 exactly', async () => {
    const g: Geometry = { nx: 13, ny: 11, lx: 1.2, ly: 1 }
    const exact = (x: number, y: number, t: number) => t + (x * x + y * y) / 4
    const result = await run({
      grid: gridOf(g),
      boundary: { type: 'dirichlet', value: exact },
      initial: (x, y) => exact(x, y, 0),
      steps: 60,
    })
    expect(result.t).toBeGreaterThan(0.1)
    expect(
      maxAbsDiff(
        result.field,
        sample(g, (x, y) => exact(x, y, result.t)),
      ),
    ).toBeLessThan(1e-14)
  })

  it.each([
    ['separable { shape, scale }', (f: (t: number) => number) => ({ shape: 1, scale: f })],
    ['a function (x, y, t)', (f: (t: number) => number) => (_x: number, _y: number, t: number) => f(t)],
  ])('adds a uniform f(t) in an insulated box as exactly Σ dt·f(t_n): %s', async (_, sourceOf) => {
    const f = (t: number) => 1 + Math.sin(40 * t)
    const steps = 90
    const result = await run({ grid: { nx: 9, ny: 7 }, boundary: { type: 'neumann' }, source: sourceOf(f), steps })
    const expected = sumOf(f, result.dt, steps)
    expect(expected).toBeGreaterThan(0.05)
    expect(result.field.every((u) => u === expected)).toBe(true)
  })

  it('takes in a Neumann flux that varies along the side and in time at exactly its rate', async () => {
    const g: Geometry = { nx: 11, ny: 9, lx: 1, ly: 0.8 }
    const { dy } = spacing(g)
    const flux = (_x: number, y: number, t: number) => -(1 + y) * (1 + 10 * t)
    const boundary = {
      left: { type: 'neumann', flux },
      right: { type: 'neumann' },
      bottom: { type: 'neumann' },
      top: { type: 'neumann' },
    } as const
    const initial = sample(g, (x, y) => Math.cos(2 * x) + y)
    const steps = 30
    const result = await run({ grid: gridOf(g), diffusivity: (x) => 1 + x, boundary, initial, steps })
    // The ghosts of the state at t_{n+1} take the flux at t_{n+1}: step n moves heat at q(t_n).
    let gained = 0
    for (let n = 0; n < steps; n++) {
      for (let j = 0; j < g.ny; j++)
        gained -= (j === 0 || j === g.ny - 1 ? 0.5 : 1) * dy * flux(0, j * dy, n * result.dt)
    }
    const change = trapezoid(g, result.field) - trapezoid(g, initial)
    expect(relativeError(change, gained * result.dt)).toBeLessThan(1e-10)
  })
})

describe('data in time: identical bits and long runs', () => {
  it('a separable source gives the same bits on every backend, thread count and blocking depth', async () => {
    const options: SolveOptions = {
      grid: { nx: 21, ny: 40 },
      boundary: { type: 'robin', h: (x, y, t) => 1 + x + t, ambient: 0.5 },
      initial: (x, y) => x * y,
      source: { shape: (x, y) => Math.sin(5 * x + y), scale: (t) => Math.cos(30 * t) },
      steps: 47,
    }
    const plain: SolveOptions = { ...options, boundary: { type: 'robin', h: 2, ambient: 0.5 } }
    for (const opts of [options, plain]) {
      expect(await bitDifferences((target) => solve({ ...opts, ...target }))).toEqual([])
    }
  })

  it('fills the source weights chunk after chunk over a long run', async () => {
    const f = (t: number) => 2 + Math.sin(3000 * t)
    const steps = 9000
    const result = await solve({
      grid: { nx: 5, ny: 4 },
      boundary: { type: 'neumann' },
      source: { shape: 1, scale: f },
      steps,
      threads: 2,
    })
    expect(result.field.every((u) => u === sumOf(f, result.dt, steps))).toBe(true)
  })
})

describe('data in time: what is refused', () => {
  const base = { grid: { nx: 6, ny: 5 }, steps: 3, backend: 'js' } as const

  it.each([
    [
      'a scale returning NaN',
      { source: { shape: 1, scale: (t: number) => (t > 0 ? NaN : 1) } },
      /options\.source\.scale\(t\) must return a finite number, got NaN at t = /,
    ],
    [
      'a scale that is not a function',
      { source: { shape: 1, scale: 2 } },
      /options\.source\.scale must be a function \(t\) => number, got 2/,
    ],
    [
      'an unknown source key',
      { source: { shape: 1, scale: () => 1, offset: 1 } },
      /Unknown option options\.source\.offset; expected one of shape, scale/,
    ],
    [
      'a source (x, y, t) that throws',
      {
        source: (_x: number, _y: number, t: number) => {
          if (t > 0) throw new Error('hot')
          return 0
        },
      },
      /options\.source\(x, y, t\) threw at x = 0, y = 0, t = .*: hot/,
    ],
    [
      'a source array of the wrong length',
      { source: new Float64Array(29) },
      /options\.source must be of length nx\*ny = 30/,
    ],
    [
      'a Dirichlet value returning NaN',
      { boundary: { type: 'dirichlet', value: (x: number, y: number, t: number) => (t > 0 ? NaN : 0) } },
      /options\.boundary\.value\(x, y, t\) must return a finite number, got NaN at x = 0, y = 0, t = /,
    ],
    [
      'a Neumann flux that throws',
      {
        boundary: {
          type: 'neumann',
          flux: () => {
            throw new Error('cold')
          },
        },
      },
      /options\.boundary\.left\.flux\(x, y, t\) threw at x = 0, y = 0, t = 0: cold/,
    ],
    [
      'a negative Robin h',
      { boundary: { type: 'robin', h: (x: number, y: number, t: number) => (t > 0 ? -1 : 1) } },
      /options\.boundary\.left\.h\(x, y, t\) must return a finite number >= 0, got -1 at x = 0, y = 0, t = /,
    ],
    [
      'a Robin ambient string',
      { boundary: { type: 'robin', h: 1, ambient: 'warm' } },
      /options\.boundary\.ambient must be a finite number or a function \(x, y, t\), got "warm"/,
    ],
  ])('refuses %s', async (_, extra, message) => {
    await expect(solve({ ...base, ...(extra as SolveOptions) })).rejects.toThrow(message)
  })

  it('rejects an advance whose boundary function fails mid-run, naming it, keeping the steps taken', async () => {
    await using solver = await Solver.create({
      ...base,
      boundary: { type: 'dirichlet', value: (_x, _y, t) => (t > 0.05 ? NaN : t) },
    })
    await expect(solver.advance({ steps: 200 })).rejects.toThrow(
      /options\.boundary\.value\(x, y, t\) must return a finite number/,
    )
    expect(solver.t).toBeGreaterThan(0)
    expect(solver.t).toBeLessThanOrEqual(0.05 + 1e-12)
  })
})

describe.each(kBackends)('Solver.set() on %s', (backend) => {
  it('switches a heater on between advances, re-validated, the field and time carried on', async () => {
    const f = (t: number) => 3 * t
    await using solver = await Solver.create({
      grid: { nx: 7, ny: 6 },
      boundary: { type: 'neumann' },
      backend,
      threads: 2,
    })
    const first = await solver.advance({ steps: 20 })
    expect(solver.field().every((u) => u === 0)).toBe(true)
    await solver.set({ source: { shape: 1, scale: f } })
    await solver.advance({ steps: 30 })
    let expected = 0
    for (let n = 20; n < 50; n++) expected += first.dt * f(first.t + (n - 20) * first.dt)
    expect(solver.field().every((u) => u === expected)).toBe(true)
    expect(solver.step).toBe(50)
    await expect(solver.set({ source: { shape: 1, scale: 1 } as never })).rejects.toThrow(
      /options\.source\.scale must be a function/,
    )
    await expect(solver.set({ diffusivity: 2 } as never)).rejects.toThrow(
      /Unknown option changes\.diffusivity of Solver\.set\(\)/,
    )
    await expect(solver.set({ boundary: { type: 'periodic' } })).rejects.toThrow(
      /cannot change which axes are periodic/,
    )
    // A Dirichlet side set now holds its value at the current time.
    await solver.set({ boundary: { type: 'dirichlet', value: (_x, _y, t) => t } })
    expect(solver.field()[0]).toBe(solver.t)
    await solver.advance({ steps: 5 })
    expect(solver.field()[0]).toBeCloseTo(solver.t, 14)
  })
})
