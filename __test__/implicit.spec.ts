/**
 * Crank–Nicolson (Peaceman–Rachford ADI) against exact answers, on both backends and several thread
 * counts: PR-ADI's exact discrete amplification factor, second order in time against the
 * semi-discrete answer exp(−λ_h t), conservation under insulated sides with a huge dt, the same bits
 * everywhere, periodic axes, steady states with known answers, and bad input.
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { type SolveOptions, solve, Solver, SteadyStateError } from 'calor'

// @ts-expect-error: plain ESM modules without type declarations
import { parseBenchArgs } from '../bench/args.mjs'

import { kMatrix, maxAbsDiff, sameBits } from './helpers.js'

const sin2 = (x: number) => Math.sin(x) ** 2
const cn = { method: 'crank-nicolson' } as const
/** Both backends, one and three workers (the full matrix runs the bits test). */
const kTargets = kMatrix.filter((t) => t.threads === 1 || t.threads === 3)

/** nx·ny samples of f at the nodes of the unit square (spacing 1/(n−1)). */
function sampled(nx: number, ny: number, f: (i: number, j: number) => number): Float64Array {
  return Float64Array.from({ length: nx * ny }, (_, k) => f(k % nx, Math.floor(k / nx)))
}

/** PR-ADI's factor for a mode with eigenvalues λx, λy of −α·δ²/h²: (1 − a)(1 − b)/((1 + a)(1 + b)). */
const adiFactor = (dt: number, lx: number, ly: number) =>
  ((1 - (dt * lx) / 2) * (1 - (dt * ly) / 2)) / ((1 + (dt * lx) / 2) * (1 + (dt * ly) / 2))

describe.each(kTargets)('Crank–Nicolson on $backend with $threads threads', ({ backend, threads }) => {
  const run = (options: SolveOptions) => solve({ ...cn, ...options, backend, threads })

  it("the Dirichlet sine mode decays by PR-ADI's exact amplification factor, to 1e-10", async () => {
    const [nx, ny] = [41, 25]
    const [dx, dy] = [1 / (nx - 1), 1 / (ny - 1)]
    const [lx, ly] = [(4 / dx ** 2) * sin2((Math.PI * dx) / 2), (4 / dy ** 2) * sin2((Math.PI * dy) / 2)]
    const limit = 1 / (2 * (1 / dx ** 2 + 1 / dy ** 2))
    const dt = 100 * limit
    const mode = (i: number, j: number) => Math.sin(Math.PI * i * dx) * Math.sin(Math.PI * j * dy)
    const result = await run({
      grid: { nx, ny },
      initial: (x, y) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y),
      dt,
      steps: 6,
    })
    const g = adiFactor(dt, lx, ly) ** 6
    expect(Math.abs(g)).toBeGreaterThan(0.05) // the mode is still there to measure
    expect(
      maxAbsDiff(
        result.field,
        sampled(nx, ny, (i, j) => g * mode(i, j)),
      ),
    ).toBeLessThan(1e-10)
  })

  it('is second order in time against exp(−λ_h t), for dt from 125× to 1000× the explicit limit', async () => {
    const n = 129
    const h = 1 / (n - 1)
    const lambda = 2 * (4 / h ** 2) * sin2((Math.PI * h) / 2)
    const limit = h ** 2 / 4
    const tEnd = 8 * 1000 * limit
    const exact = Math.exp(-lambda * tEnd)
    const errors: number[] = []
    for (const factor of [1000, 500, 250, 125]) {
      const dt = factor * limit
      const result = await run({
        grid: { nx: n, ny: n },
        initial: (x, y) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y),
        dt,
        tEnd,
      })
      expect(result.dt).toBeCloseTo(dt, 15)
      const centre = result.field[((n - 1) / 2) * n + (n - 1) / 2]
      errors.push(Math.abs(centre - exact) / exact)
    }
    for (let k = 1; k < errors.length; k++) {
      expect(errors[k - 1] / errors[k], `error ratio ${k}: ${errors}`).toBeGreaterThan(3.6)
      expect(errors[k - 1] / errors[k], `error ratio ${k}: ${errors}`).toBeLessThan(4.4)
    }
  })

  it('conserves the heat under insulated sides to 1e-12, with dt 40 000× the explicit limit', async () => {
    const [nx, ny] = [37, 29]
    const initial = (x: number, y: number) => Math.exp(-30 * ((x - 0.3) ** 2 + (y - 0.6) ** 2)) + 0.5 * x
    const weight = (k: number, n: number) => (k === 0 || k === n - 1 ? 0.5 : 1)
    const heat = (field: Float64Array) =>
      field.reduce((sum, v, k) => sum + weight(k % nx, nx) * weight(Math.floor(k / nx), ny) * v, 0)
    const start = await run({ grid: { nx, ny }, initial, boundary: { type: 'neumann' }, steps: 0 })
    const result = await run({ grid: { nx, ny }, initial, boundary: { type: 'neumann' }, dt: 10, steps: 5 })
    expect(Math.abs(heat(result.field) / heat(start.field) - 1)).toBeLessThan(1e-12)
    // and it did change
    expect(maxAbsDiff(result.field, start.field)).toBeGreaterThan(0.1)
  })

  it('decays a periodic mode by its exact factor (cyclic line solves on a periodic x axis)', async () => {
    const [nx, ny] = [24, 17]
    const dx = 1 / nx
    const dy = 1 / (ny - 1)
    const boundary = {
      left: { type: 'periodic' },
      right: { type: 'periodic' },
      bottom: { type: 'dirichlet' },
      top: { type: 'dirichlet' },
    } as const
    const mode = (i: number, j: number) => Math.cos(2 * Math.PI * i * dx + 0.3) * Math.sin(Math.PI * j * dy)
    const result = await run({ grid: { nx, ny }, boundary, initial: sampled(nx, ny, mode), dt: 0.01, steps: 9 })
    const g = adiFactor(0.01, (4 / dx ** 2) * sin2(Math.PI * dx), (4 / dy ** 2) * sin2((Math.PI * dy) / 2)) ** 9
    expect(Math.abs(g)).toBeGreaterThan(0.01)
    expect(
      maxAbsDiff(
        result.field,
        sampled(nx, ny, (i, j) => g * mode(i, j)),
      ),
    ).toBeLessThan(1e-10)
  })

  it('conserves the mean on a fully periodic grid and decays its modes by their exact factors', async () => {
    const [nx, ny] = [20, 15]
    const [dx, dy] = [1 / nx, 1 / ny]
    const mode = (i: number, j: number) => 2 + Math.sin(2 * Math.PI * i * dx) * Math.cos(4 * Math.PI * j * dy)
    const result = await run({
      grid: { nx, ny },
      boundary: { type: 'periodic' },
      initial: sampled(nx, ny, mode),
      dt: 0.004,
      steps: 6,
    })
    const g = adiFactor(0.004, (4 / dx ** 2) * sin2(Math.PI * dx), (4 / dy ** 2) * sin2(2 * Math.PI * dy)) ** 6
    expect(
      maxAbsDiff(
        result.field,
        sampled(nx, ny, (i, j) => 2 + g * (mode(i, j) - 2)),
      ),
    ).toBeLessThan(1e-10)
  })

  it.each(['crank-nicolson', 'explicit'] as const)(
    '%s reaches the steady state of a Poisson eigenmode to 1e-8',
    async (method) => {
      const n = method === 'explicit' ? 25 : 65
      const h = 1 / (n - 1)
      const lambda = 2 * (4 / h ** 2) * sin2((Math.PI * h) / 2)
      const source = (x: number, y: number) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y)
      const result = await run({ grid: { nx: n, ny: n }, source, method, until: { steady: 1e-9 } })
      expect(result.residual).toBeLessThan(1e-9)
      expect(result.stats.residual).toBe(result.residual)
      const exact = sampled(n, n, (i, j) => (Math.sin(Math.PI * i * h) * Math.sin(Math.PI * j * h)) / lambda)
      expect(maxAbsDiff(result.field, exact)).toBeLessThan(1e-8)
      expect(result.t).toBeGreaterThan(0)
    },
  )

  it.each(['crank-nicolson', 'explicit'] as const)(
    '%s reaches the linear profile of a fixed side and a flux to 1e-8',
    async (method) => {
      const [nx, ny] = [method === 'explicit' ? 21 : 65, 17]
      const boundary = {
        left: { type: 'dirichlet', value: 1 },
        right: { type: 'neumann', flux: 0.5 },
        bottom: { type: 'neumann' },
        top: { type: 'neumann' },
      } as const
      // −α∂u/∂x = 0.5 at x = 1, so u = 1 − 0.5x/α with α = 2.
      const result = await run({ grid: { nx, ny }, diffusivity: 2, boundary, method, until: { steady: 1e-9 } })
      expect(
        maxAbsDiff(
          result.field,
          sampled(nx, ny, (i) => 1 - (0.25 * i) / (nx - 1)),
        ),
      ).toBeLessThan(1e-8)
      expect(result.steps).toBeGreaterThan(0)
    },
  )
})

describe('Crank–Nicolson: the same bits everywhere', () => {
  const kBoundaries = {
    'Dirichlet (hot sides)': { type: 'dirichlet', value: 1 },
    'Neumann with a flux': { type: 'neumann', flux: 0.3 },
    mixed: {
      left: { type: 'dirichlet', value: 1 },
      right: { type: 'neumann', flux: -1 },
      bottom: { type: 'neumann' },
      top: { type: 'dirichlet', value: 2 },
    },
    'periodic x': {
      left: { type: 'periodic' },
      right: { type: 'periodic' },
      bottom: { type: 'dirichlet' },
      top: { type: 'neumann', flux: 1 },
    },
    'periodic y': {
      bottom: { type: 'periodic' },
      top: { type: 'periodic' },
      left: { type: 'neumann', flux: 0.5 },
      right: { type: 'dirichlet', value: 3 },
    },
    'periodic both': { type: 'periodic' },
  } as const satisfies Record<string, SolveOptions['boundary']>

  it.each(Object.entries(kBoundaries))(
    '%s: 1–4 threads and both backends give identical fields',
    async (_, boundary) => {
      const options: SolveOptions = {
        ...cn,
        grid: { nx: 23, ny: 17, lx: 1.3 },
        initial: (x, y) => Math.sin(3 * x) * Math.cos(2 * y) + x * y,
        source: (x, y) => x - y,
        boundary,
        dt: 0.01,
        steps: 7,
      }
      const reference = await solve({ ...options, backend: 'js', threads: 1 })
      expect(Math.max(...reference.field.map(Math.abs))).toBeGreaterThan(0.1)
      for (const target of kMatrix) {
        const result = await solve({ ...options, ...target })
        expect(sameBits(result.field, reference.field), `${target.backend} × ${target.threads}`).toBe(true)
      }
    },
  )
})

describe('Crank–Nicolson: options, budgets and stats', () => {
  const grid = { nx: 17, ny: 17 }

  it('accepts any dt > 0 with no stability refusal, and defaults dt to 0.1·h·L/α', async () => {
    const result = await solve({ ...cn, grid, dt: 1e6, steps: 2, backend: 'js', threads: 1 })
    expect(result.field.every(Number.isFinite)).toBe(true)
    const byDefault = await solve({ ...cn, grid, steps: 1, backend: 'js', threads: 1 })
    expect(byDefault.dt).toBeCloseTo(0.1 / 16, 15)
    expect(byDefault.stats.secondsPerStep).toBeGreaterThan(0)
  })

  it.each([
    [{ method: 'implicit' }, "options.method must be 'explicit' or 'crank-nicolson', got \"implicit\""],
    [
      { ...cn, until: { steady: 1e-6 }, steps: 3 },
      'options.until is exclusive with options.steps and options.tEnd: give one of them',
    ],
    [{ ...cn, until: { steady: -1 } }, 'options.until.steady must be a positive finite number, got -1'],
    [{ ...cn, until: { steady: 1e-6, maxSteps: 0 } }, 'options.until.maxSteps must be an integer >= 1, got 0'],
    [{ ...cn, until: { steady: 1e-6, tol: 1 } }, 'Unknown option options.until.tol; expected one of steady, maxSteps'],
    [{ ...cn, until: 1e-6 }, 'options.until must be an object { steady: tolerance, maxSteps? }, got 0.000001'],
    [{ ...cn, dt: 0, steps: 1 }, 'options.dt must be a positive finite number, got 0'],
    [
      { ...cn, flushSubnormals: true },
      "options.flushSubnormals is not supported with method 'crank-nicolson' yet (explicit steps only)",
    ],
  ])('refuses %j', async (bad, message) => {
    await expect(
      solve({ grid, steps: bad.until === undefined && !('steps' in bad) ? 1 : undefined, ...bad } as SolveOptions),
    ).rejects.toThrow(message)
  })

  it('still refuses an explicit dt above the stability limit', async () => {
    await expect(solve({ grid, dt: 1, steps: 1 })).rejects.toThrow(/exceeds the stable limit/)
  })

  it('rejects with a SteadyStateError naming the budget when it has not converged', async () => {
    const error = await solve({
      ...cn,
      grid,
      initial: 1,
      until: { steady: 1e-12, maxSteps: 5 },
      backend: 'js',
      threads: 1,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SteadyStateError)
    expect((error as SteadyStateError).message).toMatch(/did not reach a steady state within until\.maxSteps = 5 steps/)
    expect((error as SteadyStateError).steps).toBe(5)
  })

  it('rejects with a SteadyStateError once the residual stalls at its rounding floor', async () => {
    const options = {
      ...cn,
      grid,
      initial: 1,
      boundary: { type: 'dirichlet', value: 3 },
      backend: 'js',
      threads: 1,
    } as const
    const error = await solve({ ...options, until: { steady: 1e-30 } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SteadyStateError)
    expect((error as SteadyStateError).message).toMatch(/stopped decreasing at .* ask for a larger tolerance/)
  })

  it('a steady run shows trackers one start, its observed steps and one end', async () => {
    const seen: [string, number][] = []
    const tracker = {
      nextStep: (step: number) => (Math.floor(step / 5) + 1) * 5,
      observe: (snapshot: { kind: string; step: number }) => void seen.push([snapshot.kind, snapshot.step]),
    }
    const options = { ...cn, grid, initial: 1, until: { steady: 1e-8 }, backend: 'js', threads: 1, trackers: [tracker] }
    const result = await solve(options as SolveOptions)
    const steps = seen.filter(([kind]) => kind === 'step').map(([, step]) => step)
    expect(seen[0]).toEqual(['start', 0])
    expect(seen.at(-1)).toEqual(['end', result.steps])
    expect(seen.filter(([kind]) => kind !== 'step')).toHaveLength(2)
    // (a steady run learns that a step was its last only after it: that step may be seen twice)
    expect(steps).toEqual(Array.from({ length: Math.floor(result.steps / 5) }, (_, k) => 5 * (k + 1)))
  })

  it('Solver.advance({ until }) runs to the steady state, and takes no until in create()', async () => {
    await using solver = await Solver.create({ ...cn, grid, initial: 1, backend: 'native', threads: 2 })
    const run = await solver.advance({ until: { steady: 1e-9 } })
    expect(run.residual).toBeLessThan(1e-9)
    expect(maxAbsDiff(solver.field(), new Float64Array(17 * 17))).toBeLessThan(1e-10)
    await expect(Solver.create({ ...cn, grid, until: { steady: 1 } } as SolveOptions)).rejects.toThrow(
      /Unknown option options.until/,
    )
  })
})

describe('Crank–Nicolson: a Robin side (its ghost rule has a boundary term, b ≠ 0)', () => {
  // −α∂u/∂n = H·(u − ambient) at x = 0, with u = 1 at x = 1 and insulated y sides: the steady state is
  // linear, u = (1 + 2x)/3 for H = 2, ambient = 0, α = 1 (exact on the grid: the central differences of a
  // line have no error).
  const [nx, ny, heat, ambient] = [33, 9, 2, 0]
  const dx = 1 / (nx - 1)
  const options: SolveOptions = {
    ...cn,
    grid: { nx, ny },
    initial: (x, y) => Math.cos(3 * x) + y,
    boundary: {
      left: { type: 'robin', h: heat, ambient },
      right: { type: 'dirichlet', value: 1 },
      bottom: { type: 'neumann' },
      top: { type: 'neumann' },
    },
  }

  it('reaches the exact linear steady state u = (1 + 2x)/3, with the same bits on both backends and 1–4 threads', async () => {
    let reference: Float64Array | undefined
    for (const target of kMatrix) {
      const { field } = await solve({ ...options, ...target, until: { steady: 1e-9 } })
      expect(
        maxAbsDiff(
          field,
          sampled(nx, ny, (i) => (1 + 2 * i * dx) / 3),
        ),
      ).toBeLessThan(1e-8)
      reference ??= Float64Array.from(field)
      expect(sameBits(field, reference), `${target.backend} × ${target.threads}`).toBe(true)
    }
  })
})

describe('Crank–Nicolson: abort and checkpoints', () => {
  const initial = (x: number, y: number) => Math.sin(Math.PI * x) * Math.sin(2 * Math.PI * y) + x
  const base = { ...cn, grid: { nx: 129, ny: 97 }, initial, dt: 1e-3 } as const

  it.each(['native', 'js'] as const)(
    'an abort on %s keeps the field of the steps every worker completed',
    async (backend) => {
      await using solver = await Solver.create({ ...base, backend, threads: 3 })
      const controller = new AbortController()
      setTimeout(() => controller.abort(new Error('enough')), 150)
      await expect(solver.advance({ steps: 10_000_000, signal: controller.signal })).rejects.toThrow(
        'The solve was aborted',
      )
      expect(solver.step).toBeGreaterThan(0)
      const uninterrupted = await solve({ ...base, backend, threads: 2, steps: solver.step })
      expect(sameBits(solver.field(), uninterrupted.field)).toBe(true)
    },
  )

  it('resumes a checkpoint bit-exactly, and refuses one written by the other method', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'calor-cn-'))
    const file = path.join(dir, 'run.ckpt')
    const options = { ...base, grid: { nx: 33, ny: 21 }, dt: 2e-4, steps: 7, backend: 'js', threads: 2 } as const
    const whole = await solve({ ...options, checkpoint: { path: file, every: 4 } })
    const resumed = await solve({ ...options, resume: file })
    expect(sameBits(resumed.field, whole.field)).toBe(true)
    await expect(solve({ ...options, method: 'explicit', resume: file })).rejects.toThrow(
      /belongs to another run: method is crank-nicolson there and explicit in these options/,
    )
    await fs.rm(dir, { recursive: true })
  })
})

describe('the implicit bench cell', () => {
  it('is chosen by --physics implicit, and an unknown physics is refused by name', () => {
    expect(parseBenchArgs(['--physics', 'implicit']).physics).toBe('implicit')
    expect(parseBenchArgs([]).physics).toBe('constant')
    expect(() => parseBenchArgs(['--physics', 'robin'])).toThrow(
      '--physics must be one of constant, variable, separable, sides, implicit, 3d, got "robin"',
    )
  })
})
