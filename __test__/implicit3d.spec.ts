/**
 * Crank–Nicolson on 3D grids (Douglas–Gunn ADI) against exact answers, on both backends and one and
 * three workers: the exact discrete amplification factor of the sine mode, second order in time
 * against exp(−λ_h t), conservation under insulated sides with a huge dt, the same bits everywhere,
 * a steady linear profile, periodic axes, and bad input.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { AbortError, type SolveOptions, solve, Solver } from 'calor'

import { kMatrix, maxAbsDiff, sameBits } from './helpers.js'

const sin2 = (x: number) => Math.sin(x) ** 2
const cn = { method: 'crank-nicolson' } as const
const kTargets = kMatrix.filter((t) => t.threads === 1 || t.threads === 3)

/** nx·ny·nz samples of f at node (i, j, k). */
function sampled(nx: number, ny: number, nz: number, f: (i: number, j: number, k: number) => number) {
  return Float64Array.from({ length: nx * ny * nz }, (_, n) =>
    f(n % nx, Math.floor(n / nx) % ny, Math.floor(n / (nx * ny))),
  )
}

/**
 * Douglas–Gunn's factor for a mode with eigenvalues λ of −α·δ²/h² along each axis: with a = dt·λx/2, …,
 * (1 + a)(1 + b)(1 + c)(g − 1) = −2(a + b + c).
 */
function dgFactor(dt: number, lambdas: number[]): number {
  const halves = lambdas.map((l) => (dt * l) / 2)
  const product = halves.reduce((p, a) => p * (1 + a), 1)
  return 1 - (2 * halves.reduce((s, a) => s + a, 0)) / product
}

/** λ of the Dirichlet sine mode along an axis of n nodes over [0, 1]. */
const sineLambda = (n: number) => 4 * (n - 1) ** 2 * sin2(Math.PI / (2 * (n - 1)))

describe.each(kTargets)('3D Crank–Nicolson on $backend with $threads threads', ({ backend, threads }) => {
  const run = (options: SolveOptions) => solve({ ...cn, ...options, backend, threads })

  it("decays the Dirichlet sine mode by Douglas–Gunn's exact amplification factor, to 1e-10", async () => {
    const [nx, ny, nz] = [13, 11, 9]
    const h = [1 / (nx - 1), 1 / (ny - 1), 1 / (nz - 1)]
    const limit = 1 / (2 * h.reduce((s, v) => s + 1 / v ** 2, 0))
    const dt = 20 * limit
    const mode = (i: number, j: number, k: number) =>
      Math.sin(Math.PI * i * h[0]) * Math.sin(Math.PI * j * h[1]) * Math.sin(Math.PI * k * h[2])
    const result = await run({ grid: { nx, ny, nz, lz: 1 }, initial: sampled(nx, ny, nz, mode), dt, steps: 4 })
    const g = dgFactor(dt, [sineLambda(nx), sineLambda(ny), sineLambda(nz)]) ** 4
    expect(Math.abs(g)).toBeGreaterThan(0.01)
    expect(
      maxAbsDiff(
        result.field,
        sampled(nx, ny, nz, (i, j, k) => g * mode(i, j, k)),
      ),
    ).toBeLessThan(1e-10)
  })

  it('is second order in time against exp(−λ_h t), for dt from 1× to 8× the explicit limit', async () => {
    // Unequal wavenumbers: with one λ on every axis the scheme happens to be third order for the mode.
    const n = 17
    const lambda = 2 * sineLambda(n) + 4 * (n - 1) ** 2 * sin2((3 * Math.PI) / (2 * (n - 1)))
    const limit = 1 / (6 * (n - 1) ** 2)
    const tEnd = 8 * 8 * limit
    const exact = -Math.exp(-lambda * tEnd)
    const initial = (x: number, y: number, z: number) =>
      Math.sin(Math.PI * x) * Math.sin(Math.PI * y) * Math.sin(3 * Math.PI * z)
    const errors: number[] = []
    for (const factor of [8, 4, 2, 1]) {
      const result = await run({ grid: { nx: n, ny: n, nz: n, lz: 1 }, initial, dt: factor * limit, tEnd })
      const centre = result.field[((n * n + n + 1) * (n - 1)) / 2]
      errors.push(Math.abs(centre - exact) / Math.abs(exact))
    }
    for (let k = 1; k < errors.length; k++) {
      const ratio = errors[k - 1] / errors[k]
      expect(ratio).toBeGreaterThan(3.6)
      expect(ratio).toBeLessThan(4.4)
    }
  })

  it('conserves the heat under insulated sides to 1e-12, with dt 10 000× the explicit limit', async () => {
    const [nx, ny, nz] = [11, 9, 10]
    const grid = { nx, ny, nz, lz: 1 }
    const initial = (x: number, y: number, z: number) =>
      Math.exp(-20 * ((x - 0.3) ** 2 + (y - 0.6) ** 2 + (z - 0.4) ** 2)) + 0.5 * x
    const w = (k: number, n: number) => (k === 0 || k === n - 1 ? 0.5 : 1)
    const heat = (field: Float64Array) =>
      field.reduce(
        (s, v, m) => s + w(m % nx, nx) * w(Math.floor(m / nx) % ny, ny) * w(Math.floor(m / (nx * ny)), nz) * v,
        0,
      )
    const start = await run({ grid, initial, boundary: { type: 'neumann' }, steps: 0 })
    const result = await run({ grid, initial, boundary: { type: 'neumann' }, dt: 10, steps: 5 })
    expect(Math.abs(heat(result.field) / heat(start.field) - 1)).toBeLessThan(1e-12)
    expect(maxAbsDiff(result.field, start.field)).toBeGreaterThan(0.1)
  })

  it('reaches the linear steady profile between two fixed sides to 1e-8 (insulated elsewhere, until steady)', async () => {
    const [nx, ny, nz] = [9, 10, 11]
    const insulated = { type: 'neumann' } as const
    const boundary = {
      ...{ left: insulated, right: insulated, bottom: insulated, top: insulated },
      back: { type: 'dirichlet', value: 1 },
      front: { type: 'dirichlet', value: 3 },
    } as const
    const result = await run({ grid: { nx, ny, nz, lz: 1 }, boundary, until: { steady: 1e-9 } })
    const profile = sampled(nx, ny, nz, (_i, _j, k) => 1 + (2 * k) / (nz - 1))
    expect(maxAbsDiff(result.field, profile)).toBeLessThan(1e-8)
  })

  it('reaches the exact linear steady state of a Robin side, −α∂u/∂n = h(u − ambient), to 1e-8', async () => {
    // u(0) = 1 and −α·u′ = h(u(1) − ambient) at z = 1 hold for u = 1 + B·z, B = −h(1 − ambient)/(α + h).
    const [alpha, h, ambient] = [1.5, 2, 0.25]
    const slope = (-h * (1 - ambient)) / (alpha + h)
    const [nx, ny, nz] = [9, 8, 13]
    const insulated = { type: 'neumann' } as const
    const boundary = {
      ...{ left: insulated, right: insulated, bottom: insulated, top: insulated },
      back: { type: 'dirichlet', value: 1 },
      front: { type: 'robin', h, ambient },
    } as const
    const result = await run({ grid: { nx, ny, nz, lz: 1 }, diffusivity: alpha, boundary, until: { steady: 1e-10 } })
    const profile = sampled(nx, ny, nz, (_i, _j, k) => 1 + (slope * k) / (nz - 1))
    expect(maxAbsDiff(result.field, profile)).toBeLessThan(1e-8)
  })

  it('conserves the heat under insulated sides with a varying α to 5e-12, with dt 1000× the explicit limit', async () => {
    const [nx, ny, nz] = [11, 9, 10]
    const grid = { nx, ny, nz, lz: 1 }
    const initial = (x: number, y: number, z: number) => Math.exp(-20 * ((x - 0.3) ** 2 + (y - 0.6) ** 2)) + z
    const diffusivity = (x: number, y: number, z: number) => 1 + x + 2 * y * z
    const w = (k: number, n: number) => (k === 0 || k === n - 1 ? 0.5 : 1)
    const weight = (m: number) => w(m % nx, nx) * w(Math.floor(m / nx) % ny, ny) * w(Math.floor(m / (nx * ny)), nz)
    const heat = (field: Float64Array) => field.reduce((s, v, m) => s + weight(m) * v, 0)
    const start = await run({ grid, initial, boundary: { type: 'neumann' }, steps: 0 })
    const result = await run({ grid, initial, diffusivity, boundary: { type: 'neumann' }, dt: 1, steps: 5 })
    expect(Math.abs(heat(result.field) / heat(start.field) - 1)).toBeLessThan(5e-12)
    expect(maxAbsDiff(result.field, start.field)).toBeGreaterThan(0.1)
  })

  it('is second order in time with a varying α, against a run with dt/16', async () => {
    const grid = { nx: 13, ny: 11, nz: 12, lz: 1 }
    const options: SolveOptions = {
      grid,
      initial: (x, y, z) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y) * Math.sin(Math.PI * z),
      diffusivity: (x, y, z) => 1 + x + y * z,
      boundary: { type: 'dirichlet' },
      tEnd: 0.04,
    }
    const reference = await run({ ...options, dt: 0.04 / 1024 })
    const errors: number[] = []
    for (const steps of [16, 32, 64]) {
      errors.push(maxAbsDiff((await run({ ...options, dt: 0.04 / steps })).field, reference.field))
    }
    for (let k = 1; k < errors.length; k++) {
      expect(errors[k - 1] / errors[k], `errors ${errors}`).toBeGreaterThan(3.5)
      expect(errors[k - 1] / errors[k], `errors ${errors}`).toBeLessThan(4.5)
    }
  })

  it('reaches the layered steady profile of harmonic faces with a varying α, to 1e-8', async () => {
    const [nx, ny, nz] = [6, 5, 9]
    const insulated = { type: 'neumann' } as const
    const boundary = {
      ...{ left: insulated, right: insulated, bottom: insulated, top: insulated },
      back: { type: 'dirichlet', value: 1 },
      front: { type: 'dirichlet', value: 3 },
    } as const
    const alpha = (k: number) => 1 + k / (nz - 1)
    const resistance = Array.from(
      { length: nz - 1 },
      (_, k) => (alpha(k) + alpha(k + 1)) / (2 * alpha(k) * alpha(k + 1)),
    )
    const total = resistance.reduce((a, b) => a + b)
    const profile = (k: number) => 1 + (2 * resistance.slice(0, k).reduce((a, b) => a + b, 0)) / total
    const diffusivity = (_x: number, _y: number, z: number) => 1 + z
    const result = await run({ grid: { nx, ny, nz, lz: 1 }, boundary, diffusivity, until: { steady: 1e-10 } })
    expect(
      maxAbsDiff(
        result.field,
        sampled(nx, ny, nz, (_i, _j, k) => profile(k)),
      ),
    ).toBeLessThan(1e-8)
  })

  it('weighs a source of t at t_{n+1/2}: a uniform heater under insulated sides gives Σ dt·f exactly', async () => {
    const [dt, steps] = [0.3, 5]
    const grid = { nx: 9, ny: 8, nz: 7, lz: 1 }
    const insulated = { type: 'neumann' } as const
    const scale = (t: number) => 1 + t * t
    const separable = await run({ grid, boundary: insulated, source: { shape: 2, scale }, dt, steps })
    const general = await run({ grid, boundary: insulated, source: (_x, _y, _z, t) => Math.cos(t), dt, steps })
    const sum = (f: (t: number) => number) =>
      Array.from({ length: steps }, (_, n) => dt * f((n + 0.5) * dt)).reduce((a, b) => a + b)
    const nodes = 9 * 8 * 7
    expect(maxAbsDiff(separable.field, new Float64Array(nodes).fill(sum((t) => 2 * scale(t))))).toBeLessThan(1e-12)
    expect(maxAbsDiff(general.field, new Float64Array(nodes).fill(sum(Math.cos)))).toBeLessThan(1e-12)
  })

  it('decays a mode periodic in x and z by its exact factor (cyclic line solves)', async () => {
    const [nx, ny, nz] = [12, 9, 10]
    const boundary = {
      left: { type: 'periodic' },
      right: { type: 'periodic' },
      bottom: { type: 'dirichlet' },
      top: { type: 'dirichlet' },
      back: { type: 'periodic' },
      front: { type: 'periodic' },
    } as const
    const mode = (i: number, j: number, k: number) =>
      (1 + Math.cos((2 * Math.PI * i) / nx + 0.3)) *
      Math.sin((Math.PI * j) / (ny - 1)) *
      Math.cos((4 * Math.PI * k) / nz)
    const dt = 0.002
    const result = await run({
      grid: { nx, ny, nz, lz: 1 },
      boundary,
      initial: sampled(nx, ny, nz, mode),
      dt,
      steps: 7,
    })
    const [ly, lx, lz] = [sineLambda(ny), 4 * nx ** 2 * sin2(Math.PI / nx), 4 * nz ** 2 * sin2((2 * Math.PI) / nz)]
    const g1 = dgFactor(dt, [0, ly, lz]) ** 7
    const g2 = dgFactor(dt, [lx, ly, lz]) ** 7
    const exact = (i: number, j: number, k: number) =>
      (g1 + g2 * Math.cos((2 * Math.PI * i) / nx + 0.3)) *
      Math.sin((Math.PI * j) / (ny - 1)) *
      Math.cos((4 * Math.PI * k) / nz)
    expect(Math.abs(g2)).toBeGreaterThan(0.001)
    expect(maxAbsDiff(result.field, sampled(nx, ny, nz, exact))).toBeLessThan(1e-10)
  })

  it('keeps the mean on a fully periodic box and decays its mode by the exact factor', async () => {
    const [nx, ny, nz] = [10, 12, 9]
    const mode = (i: number, j: number, k: number) =>
      Math.sin((2 * Math.PI * i) / nx) * Math.cos((4 * Math.PI * j) / ny) * Math.sin((2 * Math.PI * k) / nz + 0.4)
    const dt = 0.003
    const initial = sampled(nx, ny, nz, (i, j, k) => 2 + mode(i, j, k))
    const result = await run({ grid: { nx, ny, nz, lz: 1 }, boundary: { type: 'periodic' }, initial, dt, steps: 6 })
    const lambda = (n: number, waves: number) => 4 * n ** 2 * sin2((Math.PI * waves) / n)
    const g = dgFactor(dt, [lambda(nx, 1), lambda(ny, 2), lambda(nz, 1)]) ** 6
    expect(Math.abs(g)).toBeGreaterThan(0.01)
    expect(
      maxAbsDiff(
        result.field,
        sampled(nx, ny, nz, (i, j, k) => 2 + g * mode(i, j, k)),
      ),
    ).toBeLessThan(1e-10)
  })
})

describe('3D Crank–Nicolson: the same bits everywhere', () => {
  it('gives identical bits over 1–4 threads and both backends (Dirichlet, flux, Robin, periodic, a source, a varying α)', async () => {
    const boundary = {
      left: { type: 'dirichlet', value: 1 },
      right: { type: 'neumann', flux: 0.5 },
      bottom: { type: 'robin', h: 2, ambient: 0.25 },
      top: { type: 'neumann' },
      back: { type: 'dirichlet', value: -0.5 },
      front: { type: 'robin', h: 1, ambient: 1 },
    } as const
    const options: SolveOptions = {
      ...cn,
      grid: { nx: 12, ny: 10, nz: 11, lz: 1 },
      boundary,
      initial: (x, y, z) => Math.sin(3 * x + y) * Math.cos(2 * z) + x * y,
      source: (x, y, z) => x - y * z,
      dt: 0.003,
      steps: 4,
    }
    const periodic: SolveOptions = {
      ...options,
      boundary: { ...boundary, back: { type: 'periodic' }, front: { type: 'periodic' } },
    }
    const varying: SolveOptions = { ...options, diffusivity: (x, y, z) => 1 + x * x + Math.sin(3 * y) * z }
    for (const o of [options, periodic, varying]) {
      const results = await Promise.all(kMatrix.map(({ backend, threads }) => solve({ ...o, backend, threads })))
      for (const r of results.slice(1)) expect(sameBits(r.field, results[0].field)).toBe(true)
    }
  })
})

describe('3D Crank–Nicolson refuses what it does not support yet', () => {
  const grid = { nx: 9, ny: 9, nz: 9, lz: 1 }
  it.each([
    [
      { diffusivity: (x: number) => 1 + x, boundary: { type: 'periodic' } },
      "options.method 'crank-nicolson' on a 3D grid (options.grid.nz) takes a varying options.diffusivity only without periodic sides",
    ],
    [
      { boundary: { type: 'dirichlet', value: (x: number, _y: number, _z: number, t: number) => x * t } },
      "takes side data as numbers for now, got a function in options.boundary.left; use 'explicit'",
    ],
    [{ dt: -1 }, 'options.dt must be a positive finite number, got -1'],
  ])('%o', async (extra, message) => {
    await expect(solve({ ...cn, grid, steps: 1, ...(extra as SolveOptions) })).rejects.toThrow(message)
  })
})

describe.each(['native', 'js'] as const)('3D Crank–Nicolson reports a field gone non-finite (%s)', (backend) => {
  it('names the step and the first bad node', async () => {
    const initial = (x: number) => (x > 0.4 && x < 0.6 ? 1e308 : 0)
    const grid = { nx: 9, ny: 9, nz: 9, lz: 1 }
    await expect(solve({ ...cn, grid, initial, dt: 1, steps: 5, backend, threads: 2 })).rejects.toThrow(
      'the field became non-finite at step 1: node (1, 1, 1) is NaN',
    )
  })
})

describe.each(['native', 'js'] as const)('3D Crank–Nicolson runs in pieces (%s backend)', (backend) => {
  const options = {
    ...cn,
    grid: { nx: 25, ny: 21, nz: 23, lz: 1 },
    boundary: { type: 'neumann', flux: 0.5 },
    initial: (x: number, y: number, z: number) => Math.cos(3 * x) * y + z,
    dt: 0.002,
    backend,
    threads: 3,
  } satisfies SolveOptions

  it('advances of 3 + 4 steps give the bits of one run of 7 (the buffers swap across advances)', async () => {
    await using solver = await Solver.create(options)
    await solver.advance({ steps: 3 })
    await solver.advance({ steps: 4 })
    const whole = await solve({ ...options, steps: 7 })
    expect(sameBits(solver.field(), whole.field)).toBe(true)
  })

  it('resumes from a checkpoint taken at an odd step with the bits of one run (a varying α)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'calor-dg3d-'))
    const file = path.join(dir, 'run.ckpt')
    const varying = { ...options, diffusivity: (_x: number, _y: number, z: number) => 1 + z }
    const whole = await solve({ ...varying, steps: 21 })
    await solve({ ...varying, steps: 11, checkpoint: { path: file, every: 11 } })
    const resumed = await solve({ ...varying, steps: 21, resume: file })
    expect(sameBits(resumed.field, whole.field)).toBe(true)
    rmSync(dir, { recursive: true, force: true })
  })

  it('an abort mid-run leaves the field of the last step every worker completed', async () => {
    const controller = new AbortController()
    await using solver = await Solver.create({ ...options, signal: controller.signal })
    const run = solver.advance({ steps: 1e6 }).then(
      () => expect.fail('it resolved'),
      (e: unknown) => e,
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
    controller.abort()
    expect(await run).toBeInstanceOf(AbortError)
    const [field, steps] = [solver.field(), solver.step]
    expect(steps).toBeGreaterThan(0)
    const reference = await solve({ ...options, steps })
    expect(sameBits(field, reference.field)).toBe(true)
  })
})
