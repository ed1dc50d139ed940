/**
 * Physics against exact answers, on every backend and 1–4 workers. Where the discrete scheme has an
 * exact answer (eigenmodes, conservation, energy balance), results must match it to rounding; where
 * only the continuous one is known, the error must fall at second order.
 */
import { describe, expect, it } from 'vitest'

import { type SolveOptions, solve } from 'calor'

import { defaultDt, gaussian, type Geometry, gridOf, relativeError, sample, spacing, trapezoid } from './exact.js'
import { kMatrix, maxAbsDiff } from './helpers.js'

const sin2 = (x: number) => Math.sin(x) ** 2

/** solve() on one backend and thread count. */
const runOn =
  ({ backend, threads }: (typeof kMatrix)[number]) =>
  (options: SolveOptions) =>
    solve({ ...options, backend, threads })

describe.each(kMatrix)('exact discrete modes on $backend with $threads threads', (target) => {
  const run = runOn(target)

  it.each([
    { k: 1, m: 1 },
    { k: 2, m: 3 },
  ])('Dirichlet sine mode ($k, $m) decays at its exact discrete rate', async ({ k, m }) => {
    const g: Geometry = { nx: 21, ny: 13, lx: 1.5, ly: 0.8 }
    const alpha = 0.7
    const mode = (x: number, y: number) => Math.sin((k * Math.PI * x) / g.lx) * Math.sin((m * Math.PI * y) / g.ly)
    const result = await run({ grid: gridOf(g), diffusivity: alpha, initial: mode, steps: 60 })
    const { dx, dy } = spacing(g)
    const [rx, ry] = [(alpha * result.dt) / dx ** 2, (alpha * result.dt) / dy ** 2]
    const factor = 1 - 4 * rx * sin2((k * Math.PI * dx) / (2 * g.lx)) - 4 * ry * sin2((m * Math.PI * dy) / (2 * g.ly))
    const expected = sample(g, mode).map((v, n) => {
      const [i, j] = [n % g.nx, Math.floor(n / g.nx)]
      return i === 0 || j === 0 || i === g.nx - 1 || j === g.ny - 1 ? 0 : factor ** 60 * v
    })
    expect(factor ** 60).toBeLessThan(0.5) // the mode really decayed
    expect(maxAbsDiff(result.field, expected)).toBeLessThan(1e-10)
  })

  it.each([
    { k: 1, m: 2 },
    { k: 3, m: 1 },
  ])('periodic mode ($k, $m) decays at its exact discrete rate', async ({ k, m }) => {
    const g: Geometry = { nx: 16, ny: 12, lx: 2, ly: 1.8, periodicX: true, periodicY: true }
    const alpha = 0.8
    const mode = (x: number, y: number) =>
      Math.cos((2 * Math.PI * k * x) / g.lx) * Math.cos((2 * Math.PI * m * y) / g.ly)
    const steps = 50
    const result = await run({
      grid: gridOf(g),
      diffusivity: alpha,
      initial: mode,
      boundary: { type: 'periodic' },
      steps,
    })
    const { dx, dy } = spacing(g)
    const [rx, ry] = [(alpha * result.dt) / dx ** 2, (alpha * result.dt) / dy ** 2]
    const factor = 1 - 4 * rx * sin2((Math.PI * k) / g.nx) - 4 * ry * sin2((Math.PI * m) / g.ny)
    expect(factor ** steps).toBeLessThan(0.5)
    expect(
      maxAbsDiff(
        result.field,
        sample(g, mode).map((v) => factor ** steps * v),
      ),
    ).toBeLessThan(1e-10)
  })

  it('periodic in x, Dirichlet in y: the mixed mode decays at its exact discrete rate', async () => {
    const g: Geometry = { nx: 14, ny: 11, lx: 1.4, ly: 0.9, periodicX: true }
    const [alpha, k, m, steps] = [1.3, 2, 1, 40]
    const mode = (x: number, y: number) => Math.cos((2 * Math.PI * k * x) / g.lx) * Math.sin((m * Math.PI * y) / g.ly)
    const boundary = {
      left: { type: 'periodic' },
      right: { type: 'periodic' },
      bottom: { type: 'dirichlet', value: 0 },
      top: { type: 'dirichlet', value: 0 },
    } as const
    const result = await run({ grid: gridOf(g), diffusivity: alpha, initial: mode, boundary, steps })
    const { dx, dy } = spacing(g)
    const [rx, ry] = [(alpha * result.dt) / dx ** 2, (alpha * result.dt) / dy ** 2]
    const factor = 1 - 4 * rx * sin2((Math.PI * k) / g.nx) - 4 * ry * sin2((m * Math.PI * dy) / (2 * g.ly))
    const expected = sample(g, mode).map((v, n) => {
      const j = Math.floor(n / g.nx)
      return j === 0 || j === g.ny - 1 ? 0 : factor ** steps * v
    })
    expect(factor ** steps).toBeLessThan(0.5)
    expect(maxAbsDiff(result.field, expected)).toBeLessThan(1e-10)
  })
})

describe.each(kMatrix)('conservation and energy balance on $backend with $threads threads', (target) => {
  const run = runOn(target)

  it('conserves heat exactly under insulated boundaries', async () => {
    const g: Geometry = { nx: 25, ny: 17, lx: 1.2, ly: 0.9 }
    const initial = sample(g, gaussian(0.35, 0.6, 0.12))
    const result = await run({ grid: gridOf(g), initial, boundary: { type: 'neumann' }, diffusivity: 0.8, steps: 400 })
    expect(maxAbsDiff(result.field, initial)).toBeGreaterThan(0.1) // the bump really spread
    expect(relativeError(trapezoid(g, result.field), trapezoid(g, initial))).toBeLessThan(1e-12)
  })

  it('loses heat at exactly the prescribed Neumann fluxes', async () => {
    const g: Geometry = { nx: 19, ny: 15, lx: 1.1, ly: 0.7 }
    // Outward fluxes, all different so that no sign error can hide behind another.
    const [qLeft, qRight, qBottom, qTop] = [0.25, 0.8, -0.3, 0.55]
    const initial = sample(g, (x, y) => 1 + gaussian(0.5, 0.4, 0.1)(x, y))
    const boundary = {
      left: { type: 'neumann', flux: qLeft },
      right: { type: 'neumann', flux: qRight },
      bottom: { type: 'neumann', flux: qBottom },
      top: { type: 'neumann', flux: qTop },
    } as const
    const steps = 250
    const result = await run({ grid: gridOf(g), initial, boundary, diffusivity: 0.6, steps })
    // Discrete energy balance: each step changes ∑ w u dx dy by −dt·∑_sides q·(side length).
    const expected = -steps * result.dt * ((qLeft + qRight) * g.ly + (qBottom + qTop) * g.lx)
    const change = trapezoid(g, result.field) - trapezoid(g, initial)
    expect(relativeError(change, expected)).toBeLessThan(1e-10)
  })

  it('a source adds exactly dt·∑ w f dx dy of heat per step in an insulated box', async () => {
    const g: Geometry = { nx: 17, ny: 21, lx: 0.8, ly: 1.3 }
    const initial = sample(g, gaussian(0.3, 0.9, 0.15))
    const source = (x: number, y: number) => 1 + x * y
    const steps = 120
    const result = await run({ grid: gridOf(g), initial, source, boundary: { type: 'neumann', flux: 0 }, steps })
    const expected = steps * result.dt * trapezoid(g, sample(g, source))
    const change = trapezoid(g, result.field) - trapezoid(g, initial)
    expect(relativeError(change, expected)).toBeLessThan(1e-10)
  })

  it('a uniform source in an insulated box heats it uniformly at f·t', async () => {
    const g: Geometry = { nx: 7, ny: 6, lx: 1, ly: 2 }
    const result = await run({ grid: gridOf(g), source: 2.5, boundary: { type: 'neumann' }, steps: 30 })
    const heat = 30 * result.dt * 2.5
    expect(maxAbsDiff(result.field, new Float64Array(g.nx * g.ny).fill(heat))).toBeLessThan(1e-14)
    expect(relativeError(trapezoid(g, result.field), heat * g.lx * g.ly)).toBeLessThan(1e-12)
  })
})

describe.each(kMatrix)('convergence to continuous solutions on $backend with $threads threads', (target) => {
  const run = runOn(target)

  it('converges to exp(−2π²αt)·sin(πx)sin(πy) at second order', async () => {
    const alpha = 1
    const tEnd = 1 / 32
    const errors: number[] = []
    for (const intervals of [8, 16, 32, 64]) {
      const g: Geometry = { nx: intervals + 1, ny: intervals + 1, lx: 1, ly: 1 }
      const mode = (x: number, y: number) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y)
      const dt = 1 / (8 * alpha * intervals ** 2) // dt/h² fixed at 1/8
      const steps = intervals ** 2 / 4
      const result = await run({ grid: gridOf(g), diffusivity: alpha, initial: mode, dt, steps })
      expect(result.steps * result.dt).toBe(tEnd)
      const decay = Math.exp(-2 * Math.PI ** 2 * alpha * tEnd)
      errors.push(
        maxAbsDiff(
          result.field,
          sample(g, mode).map((v) => decay * v),
        ),
      )
    }
    const orders = errors.slice(1).map((e, n) => Math.log2(errors[n] / e))
    for (const order of orders) {
      expect(order).toBeGreaterThan(1.8)
      expect(order).toBeLessThan(2.2)
    }
  })

  it('a Gaussian far from the walls follows the heat kernel to O(h²)', async () => {
    // u = t0/(t0 + t)·exp(−r²/(4α(t0 + t))) solves the heat equation in the plane.
    const [alpha, t0, t] = [1, 2 ** -9, 2 ** -9]
    const kernel = (time: number) => (x: number, y: number) =>
      (t0 / time) * Math.exp(-((x - 0.5) ** 2 + (y - 0.5) ** 2) / (4 * alpha * time))
    const errors: number[] = []
    for (const intervals of [32, 64]) {
      const g: Geometry = { nx: intervals + 1, ny: intervals + 1, lx: 1, ly: 1 }
      const dt = 1 / (8 * alpha * intervals ** 2)
      const result = await run({ grid: gridOf(g), diffusivity: alpha, initial: kernel(t0), dt, steps: t / dt })
      errors.push(maxAbsDiff(result.field, sample(g, kernel(t0 + t))))
    }
    expect(errors[0]).toBeLessThan(2e-3) // the peak is 0.5
    const order = Math.log2(errors[0] / errors[1])
    expect(order).toBeGreaterThan(1.8)
    expect(order).toBeLessThan(2.2)
  })
})

describe.each(kMatrix)('boundaries and time on $backend with $threads threads', (target) => {
  const run = runOn(target)

  describe('the steady linear profile between a hot and a cold wall', () => {
    const g: Geometry = { nx: 9, ny: 5, lx: 1, ly: 0.5 }
    const boundary = {
      left: { type: 'dirichlet', value: 1 },
      right: { type: 'dirichlet', value: 0 },
      bottom: { type: 'neumann' },
      top: { type: 'neumann' },
    } as const
    const linear = sample(g, (x) => 1 - x / g.lx)

    it('stays put', async () => {
      const result = await run({ grid: gridOf(g), initial: linear, boundary, steps: 500 })
      expect(maxAbsDiff(result.field, linear)).toBeLessThan(1e-12)
    })

    it('is reached from a cold start', async () => {
      // The slowest mode decays as exp(−π²αt/lx²): below 1e-13 by t = 3.2.
      const result = await run({ grid: gridOf(g), initial: 0, boundary, tEnd: 3.2 })
      expect(maxAbsDiff(result.field, linear)).toBeLessThan(1e-11)
    })
  })

  it('Dirichlet nodes hold their values; where two sides meet, the corner holds their mean', async () => {
    const g: Geometry = { nx: 6, ny: 5, lx: 1, ly: 1 }
    const boundary = {
      left: { type: 'dirichlet', value: 2 },
      right: { type: 'neumann', flux: 1 },
      bottom: { type: 'dirichlet', value: -1 },
      top: { type: 'dirichlet' },
    } as const
    const result = await run({ grid: gridOf(g), initial: 5, source: 3, boundary, steps: 20 })
    const at = (i: number, j: number) => result.field[j * g.nx + i]
    for (let j = 1; j < g.ny - 1; j++) expect(at(0, j)).toBe(2)
    for (let i = 1; i < g.nx; i++) {
      expect(at(i, 0)).toBe(-1)
      expect(at(i, g.ny - 1)).toBe(0)
    }
    expect([at(0, 0), at(0, g.ny - 1)]).toEqual([0.5, 1])
    expect(at(g.nx - 1, 2)).not.toBe(5) // the Neumann side evolves
  })

  it('zero steps return the initial field with Dirichlet values applied', async () => {
    const g: Geometry = { nx: 5, ny: 4, lx: 1, ly: 1 }
    const initial = sample(g, (x, y) => x + 2 * y)
    const result = await run({ grid: gridOf(g), initial, boundary: { type: 'dirichlet', value: 7 }, steps: 0 })
    expect([result.steps, result.t]).toEqual([0, 0])
    expect(result.field).toEqual(initial.map((v, n) => (n % 5 === 0 || n % 5 === 4 || n < 5 || n >= 15 ? 7 : v)))
  })

  it('tEnd lands exactly with the default step', async () => {
    const g: Geometry = { nx: 17, ny: 11, lx: 1, ly: 0.6 }
    const [alpha, tEnd] = [0.4, 0.0123]
    const dtDefault = defaultDt(g, alpha)
    const result = await run({ grid: gridOf(g), diffusivity: alpha, initial: 1, tEnd })
    expect(result.t).toBe(tEnd)
    expect(result.steps).toBe(Math.ceil(tEnd / dtDefault))
    expect(result.dt).toBe(tEnd / result.steps)
    expect(result.dt).toBeLessThanOrEqual(dtDefault)
    const byStep = await run({ grid: gridOf(g), diffusivity: alpha, initial: 1, steps: 3 })
    expect(byStep.dt).toBe(dtDefault)
    expect(byStep.t).toBe(3 * dtDefault)
  })
})
