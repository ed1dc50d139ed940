/**
 * Crank–Nicolson (PR-ADI) with the physics of the explicit steps: a variable α (harmonic-mean faces),
 * side data that vary along a side, and data that vary in time, against exact answers on both backends
 * and several thread counts: the series-resistance steady state of a layered slab, second order in time
 * with a variable α and with a manufactured solution driven by Dirichlet data g(t), a flux q(t) and a
 * source f(x, y, t), the midpoint rule of a separable source, conservation under insulated sides, a Robin
 * side with h(y), and the same bits everywhere.
 */
import { describe, expect, it } from 'vitest'

import { type SolveOptions, solve } from 'calor'

import { LineKernel, NativeLines } from '../crate/index.js'
import { createControlBlock } from '../dist/parallel/control.js'
import { kMatrix, maxAbsDiff, sameBits } from './helpers.js'

const cn = { method: 'crank-nicolson' } as const
/** Both backends, one and three workers (the bits test runs the full matrix). */
const kTargets = kMatrix.filter((t) => t.threads === 1 || t.threads === 3)

/** nx·ny samples of f at the nodes (spacing dx, dy). */
function sampled(nx: number, ny: number, dx: number, dy: number, f: (x: number, y: number) => number): Float64Array {
  return Float64Array.from({ length: nx * ny }, (_, k) => f((k % nx) * dx, Math.floor(k / nx) * dy))
}

/** The ratios of successive errors of runs with dt halved each time. */
const ratios = (errors: number[]) => errors.slice(1).map((e, k) => errors[k] / e)

// u = (x² + y²)·g(t) + x·h(t) is reproduced exactly by the grid's second differences, so every error is
// the time stepping's: ∂u/∂t − Δu = (x² + y²)·g′ + x·h′ − 4g is the source, u itself the Dirichlet data,
// and at x = 0 the outward flux −∂u/∂n = ∂u/∂x = h(t).
const g = (t: number) => 1 + Math.sin(2 * t)
const h = (t: number) => Math.cos(3 * t)
const exact = (x: number, y: number, t: number) => (x * x + y * y) * g(t) + x * h(t)
const manufactured: SolveOptions = {
  ...cn,
  grid: { nx: 17, ny: 13 },
  initial: (x, y) => exact(x, y, 0),
  source: (x, y, t) => (x * x + y * y) * 2 * Math.cos(2 * t) - x * 3 * Math.sin(3 * t) - 4 * g(t),
  boundary: {
    left: { type: 'neumann', flux: (x, y, t) => h(t) },
    right: { type: 'dirichlet', value: exact },
    bottom: { type: 'dirichlet', value: exact },
    top: { type: 'dirichlet', value: exact },
  },
}

describe.each(kTargets)('Crank–Nicolson physics on $backend with $threads threads', ({ backend, threads }) => {
  const run = (options: SolveOptions) => solve({ ...cn, ...options, backend, threads })

  it.each(['crank-nicolson', 'explicit'] as const)(
    '%s: a two-layer slab reaches the series-resistance steady state to 1e-8',
    async (method) => {
      // α = 1 left of x = 0.475 and 4 right of it (the interface halfway between two nodes): the face there
      // takes the harmonic mean, which makes the discrete profile the continuous one, q·x/α₁ then 1 − q(1 − x)/α₂.
      const [nx, ny, interface_, a1, a2] = [21, 7, 0.475, 1, 4]
      const q = 1 / (interface_ / a1 + (1 - interface_) / a2)
      const profile = (x: number) => (x <= interface_ ? (q * x) / a1 : 1 - (q * (1 - x)) / a2)
      const result = await run({
        grid: { nx, ny },
        diffusivity: (x) => (x < interface_ ? a1 : a2),
        boundary: {
          left: { type: 'dirichlet', value: 0 },
          right: { type: 'dirichlet', value: 1 },
          bottom: { type: 'neumann' },
          top: { type: 'neumann' },
        },
        method,
        until: { steady: 1e-10 },
      })
      expect(maxAbsDiff(result.field, sampled(nx, ny, 1 / (nx - 1), 1 / (ny - 1), profile))).toBeLessThan(1e-8)
    },
  )

  it('is second order in time with a variable α, against a run with dt/64', async () => {
    const options: SolveOptions = {
      grid: { nx: 25, ny: 21 },
      diffusivity: (x, y) => 1 + 2 * x * y + Math.sin(3 * x),
      initial: (x, y) => Math.sin((Math.PI * x) / 2) * Math.sin(Math.PI * y),
      boundary: {
        left: { type: 'dirichlet' },
        right: { type: 'neumann' },
        bottom: { type: 'dirichlet' },
        top: { type: 'dirichlet' },
      },
      tEnd: 0.08,
    }
    const reference = await run({ ...options, dt: 0.08 / 256 })
    const errors = []
    for (const steps of [4, 8, 16])
      errors.push(maxAbsDiff((await run({ ...options, dt: 0.08 / steps })).field, reference.field))
    for (const r of ratios(errors)) expect(r, `errors ${errors}`).toBeGreaterThan(3.7)
    for (const r of ratios(errors)) expect(r, `errors ${errors}`).toBeLessThan(4.3)
  })

  it('conserves the heat under insulated sides with a variable α to 1e-12, with dt 10 000× the explicit limit', async () => {
    const [nx, ny] = [29, 23]
    const weight = (k: number, n: number) => (k === 0 || k === n - 1 ? 0.5 : 1)
    const heat = (field: Float64Array) =>
      field.reduce((sum, v, k) => sum + weight(k % nx, nx) * weight(Math.floor(k / nx), ny) * v, 0)
    const options: SolveOptions = {
      grid: { nx, ny },
      diffusivity: (x, y) => (x + y < 1 ? 0.2 : 3) + x,
      initial: (x, y) => Math.exp(-30 * ((x - 0.3) ** 2 + (y - 0.6) ** 2)) + 0.5 * x,
      boundary: { type: 'neumann' },
    }
    const start = await run({ ...options, steps: 0 })
    // (the explicit limit is 1/(2·max α·(1/dx² + 1/dy²)) ≈ 1e-4; rounding grows with dt·max λ beyond this)
    const result = await run({ ...options, dt: 1, steps: 5 })
    expect(Math.abs(heat(result.field) / heat(start.field) - 1)).toBeLessThan(1e-12)
    expect(maxAbsDiff(result.field, start.field)).toBeGreaterThan(0.1)
  })

  it.each([
    ['g(t) on three sides and a flux q(t)', manufactured.boundary],
    ['g(t) on every side (one α: factored systems)', { type: 'dirichlet', value: exact }],
  ] as const)(
    'a manufactured solution with %s and a source f(x, y, t) converges at second order in time',
    async (_, boundary) => {
      const tEnd = 0.6
      const { nx, ny } = manufactured.grid as { nx: number; ny: number }
      const want = sampled(nx, ny, 1 / (nx - 1), 1 / (ny - 1), (x, y) => exact(x, y, tEnd))
      const errors = []
      for (const steps of [6, 12, 24]) {
        errors.push(maxAbsDiff((await run({ ...manufactured, boundary, dt: tEnd / steps, tEnd })).field, want))
      }
      expect(errors[2]).toBeLessThan(1e-3)
      for (const r of ratios(errors)) expect(r, `errors ${errors}`).toBeGreaterThan(3.5)
      for (const r of ratios(errors)) expect(r, `errors ${errors}`).toBeLessThan(4.5)
    },
  )

  it('weighs a separable source by g(t_{n+1/2}): a uniform heater under insulated sides gives Σ dt·g exactly', async () => {
    const [dt, steps] = [0.3, 7]
    const scale = (t: number) => 1 + t * t
    const result = await run({
      grid: { nx: 9, ny: 11 },
      boundary: { type: 'neumann' },
      source: { shape: 2, scale },
      dt,
      steps,
    })
    const sum = Array.from({ length: steps }, (_, n) => 2 * dt * scale((n + 0.5) * dt)).reduce((a, b) => a + b)
    expect(maxAbsDiff(result.field, new Float64Array(99).fill(sum))).toBeLessThan(1e-12)
  })

  it('a Robin side with h(y) and ambient(y) reaches its exact linear steady state', async () => {
    // −α∂u/∂n = h(u − ambient) at x = 0 holds for u = 0.2 + 0.8x at every y when ambient = 0.2 − 0.8/h.
    const [nx, ny] = [17, 9]
    const heat = (x: number, y: number) => 1 + y + Math.sin(5 * y) ** 2
    const result = await run({
      grid: { nx, ny },
      initial: (x, y) => Math.cos(3 * x) + y,
      boundary: {
        left: { type: 'robin', h: heat, ambient: (x, y) => 0.2 - 0.8 / heat(x, y) },
        right: { type: 'dirichlet', value: 1 },
        bottom: { type: 'neumann' },
        top: { type: 'neumann' },
      },
      until: { steady: 1e-10 },
    })
    expect(
      maxAbsDiff(
        result.field,
        sampled(nx, ny, 1 / (nx - 1), 1 / (ny - 1), (x) => 0.2 + 0.8 * x),
      ),
    ).toBeLessThan(1e-8)
  })
})

describe('Crank–Nicolson physics: the same bits everywhere', () => {
  const kCases = {
    'variable α, Dirichlet and Robin sides': {
      diffusivity: (x: number, y: number) => 1 + x + 0.5 * Math.sin(3 * y),
      boundary: {
        left: { type: 'dirichlet', value: 1 },
        right: { type: 'robin', h: 2, ambient: 0.5 },
        bottom: { type: 'neumann' },
        top: { type: 'dirichlet', value: 2 },
      },
    },
    'variable α, periodic x, a separable source of t': {
      diffusivity: (x: number, y: number) => 1 + x * y,
      source: { shape: (x: number, y: number) => x * y, scale: (t: number) => 1 + Math.sin(9 * t) },
      boundary: {
        left: { type: 'periodic' },
        right: { type: 'periodic' },
        bottom: { type: 'dirichlet' },
        top: { type: 'neumann', flux: 1 },
      },
    },
    'variable α, periodic both': {
      diffusivity: (x: number, y: number) => 2 + Math.cos(4 * x + y),
      boundary: { type: 'periodic' },
    },
    'data in time: g(x, y, t), q(x, y, t), h(x, y), f(x, y, t)': {
      source: (x: number, y: number, t: number) => x - y * t,
      boundary: {
        left: { type: 'dirichlet', value: (x: number, y: number, t: number) => y + t },
        right: { type: 'neumann', flux: (x: number, y: number, t: number) => Math.sin(y + t) },
        bottom: { type: 'robin', h: (x: number) => 1 + x, ambient: 0.3 },
        top: { type: 'dirichlet', value: (x: number, y: number, t: number) => x * t },
      },
    },
  } as const

  it.each(Object.entries(kCases))('%s: 1–4 threads and both backends give identical fields', async (_, physics) => {
    const options = {
      ...cn,
      grid: { nx: 23, ny: 17, lx: 1.3 },
      initial: (x: number, y: number) => Math.sin(3 * x) * Math.cos(2 * y) + x * y,
      dt: 0.01,
      steps: 5,
      ...physics,
    } as SolveOptions
    const reference = await solve({ ...options, backend: 'js', threads: 1 })
    expect(Math.max(...reference.field.map(Math.abs))).toBeGreaterThan(0.1)
    for (const target of kMatrix) {
      const result = await solve({ ...options, ...target })
      expect(sameBits(result.field, reference.field), `${target.backend} × ${target.threads}`).toBe(true)
    }
  })
})

describe('the native conservative line solves refuse what does not fit', () => {
  const [nx, ny] = [6, 5]
  const len = (nx + 2) * (ny + 2)
  const rule = { kind: 'mirror', a: 1, b: 0, c: 0 } as const
  const axis = (count: number) => ({
    ...{ first: 0, count, half: 0.5, lower: [], inv: [], upper: [] },
    ...{ low: { fixed: false, term: 0 }, high: { fixed: false, term: 0 } },
  })
  const spec = {
    nx,
    ny,
    halfDt: 0.01,
    variable: true,
    x: axis(nx),
    y: axis(ny),
    left: rule,
    right: rule,
    bottom: rule,
    top: rule,
  }
  const run = (faces: Float64Array, weights: Float64Array, steps = 1) => {
    const band = new NativeLines({ start: 0, end: ny, columnStart: 0, columnEnd: nx, parties: 1 })
    const fields = [0, 1].map(() => new Float64Array(new SharedArrayBuffer(8 * len)))
    const control = createControlBlock(1)
    return () =>
      band.run(fields[0], fields[1], new Float64Array(0), faces, weights, control, new LineKernel(spec), steps, 0)
  }

  it('needs the faces buffer, four padded fields long, and a finite weight for every step', () => {
    const none = new Float64Array(0)
    expect(run(none, none)).toThrow(/faces/)
    expect(run(new Float64Array(3 * len), none)).toThrow(/faces/)
    expect(run(new Float64Array(4 * len).fill(1), new Float64Array(1), 2)).toThrow(/weights/)
    expect(run(new Float64Array(4 * len).fill(1), Float64Array.of(0.1, Number.NaN), 2)).toThrow(/weights/)
    expect(run(new Float64Array(4 * len).fill(1), none)()).toEqual({ steps: 1, abandoned: false, lost: false })
  })

  it('refuses factors with the conservative operator, and a periodic axis not solved whole', () => {
    expect(() => new LineKernel({ ...spec, x: { ...axis(nx), lower: [0, 0, 0, 0, 0, 0] } })).toThrow(/lower/)
    const wrap = { kind: 'wrap', a: 0, b: 0, c: 0 } as const
    expect(() => new LineKernel({ ...spec, left: wrap, right: wrap, x: { ...axis(nx - 1), first: 1 } })).toThrow(
      /periodic axis solved whole/,
    )
  })
})
