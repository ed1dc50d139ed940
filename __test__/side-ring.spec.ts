/**
 * Side data given as functions of t reach the workers through the ring of per-step slots (model/side-ring.ts):
 * runs long enough to wrap the ring and to cross many chunks, with temporal blocking, in 2D and 3D, on both
 * backends and 1–3 workers, against answers FTCS reproduces exactly, and bit for bit against one js worker.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

import { describe, expect, it } from 'vitest'

import { everySteps, type SolveOptions, Solver, solve } from 'calor'

import { bitDifferences, kBackends, maxAbsDiff, sameBits } from './helpers.js'

const kTargets = kBackends.flatMap((backend) => [1, 2, 3].map((threads) => ({ backend, threads })))

/** Samples f over an nx × ny (× nz) unit-spaced box of lengths l, in the solver's node order. */
function sampled(n: readonly number[], l: readonly number[], f: (x: number, y: number, z: number) => number) {
  const [nx, ny, nz = 1] = n
  const d = l.map((length, axis) => length / (n[axis] - 1))
  const out = new Float64Array(nx * ny * nz)
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) out[(k * ny + j) * nx + i] = f(i * d[0], j * d[1], k * (d[2] ?? 0))
  return out
}

describe.each(kTargets)('the side ring on $backend with $threads threads', ({ backend, threads }) => {
  it('reproduces g = t + (x² + y²)/4 exactly through 1100 steps (the ring wraps), blocked where it can be', async () => {
    const exact = (x: number, y: number, t: number) => t + (x * x + y * y) / 4
    const result = await solve({
      grid: { nx: 41, ny: 37, lx: 1.2, ly: 1 },
      boundary: { type: 'dirichlet', value: exact },
      initial: (x, y) => exact(x, y, 0),
      steps: 1100,
      backend,
      threads,
      temporalBlocking: backend === 'native' ? 4 : 1,
    })
    const want = sampled([41, 37], [1.2, 1], (x, y) => exact(x, y, result.t))
    expect(result.t).toBeGreaterThan(0.2)
    expect(maxAbsDiff(result.field, want)).toBeLessThan(1e-12)
  })

  it('reproduces g = t + (x² + y² + z²)/6 exactly on a box, Dirichlet planes included', async () => {
    const exact = (x: number, y: number, z: number, t: number) => t + (x * x + y * y + z * z) / 6
    const result = await solve({
      grid: { nx: 11, ny: 9, nz: 14, lx: 1, ly: 0.8, lz: 1.3 },
      boundary: { type: 'dirichlet', value: exact as never },
      initial: ((x: number, y: number, z: number) => exact(x, y, z, 0)) as never,
      steps: 300,
      backend,
      threads,
      temporalBlocking: backend === 'native' ? 2 : 1,
    })
    const want = sampled([11, 9, 14], [1, 0.8, 1.3], (x, y, z) => exact(x, y, z, result.t))
    expect(maxAbsDiff(result.field, want)).toBeLessThan(1e-12)
  })
})

describe.each(kBackends)('side functions at a steady state on %s', (backend) => {
  it('reaches u = 1 − x from a Neumann inflow given as a function, the residual reading it per cell', async () => {
    const zero = { type: 'neumann', flux: 0 } as const
    const result = await solve({
      grid: { nx: 17, ny: 9 },
      boundary: {
        left: { type: 'neumann', flux: () => -1 },
        right: { type: 'dirichlet', value: 0 },
        bottom: zero,
        top: zero,
      },
      until: { steady: 1e-9, maxSteps: 200000 },
      backend,
      threads: 2,
    })
    expect(result.residual).toBeLessThan(1e-9)
    expect(
      maxAbsDiff(
        result.field,
        sampled([17, 9], [1, 1], (x) => 1 - x),
      ),
    ).toBeLessThan(1e-7)
  })
})

describe('the side ring: the same bits everywhere', () => {
  /** Each mix of sides of t, solved by one js worker and by the native kernel on 1–3 threads and blocking depths. */
  it.each([
    [
      '2D: Robin h(t) below, a Neumann flux (x, t) on the left, a Dirichlet value (y, t) on the right',
      {
        grid: { nx: 23, ny: 40 },
        boundary: {
          left: { type: 'neumann', flux: (_x: number, y: number, t: number) => Math.sin(3 * y + 20 * t) },
          right: { type: 'dirichlet', value: (_x: number, y: number, t: number) => y * Math.cos(9 * t) },
          bottom: { type: 'robin', h: (x: number, _y: number, t: number) => 1 + x + t, ambient: 0.25 },
          top: { type: 'dirichlet', value: 0.5 },
        },
        steps: 333,
      },
    ],
    [
      '3D: a flux of (x, y, z, t) on every side but a Dirichlet front of t',
      {
        grid: { nx: 9, ny: 10, nz: 16, lz: 1.5 },
        boundary: {
          left: { type: 'neumann', flux: (_x: number, y: number, z: number, t: number) => y - z + t },
          right: { type: 'neumann' },
          bottom: { type: 'robin', h: (x: number, _y: number, _z: number, t: number) => 1 + x * t, ambient: 1 },
          top: { type: 'neumann', flux: (x: number, _y: number, z: number, t: number) => x * z * (1 + t) },
          back: { type: 'neumann', flux: (x: number, y: number, _z: number, t: number) => Math.cos(x + y + t) },
          front: { type: 'dirichlet', value: (x: number, y: number, _z: number, t: number) => x + y * t },
        },
        steps: 97,
      },
    ],
  ])('%s', async (_, mix) => {
    const options = { ...(mix as unknown as SolveOptions), initial: (x: number, y: number) => x * (1 - y) }
    expect(await bitDifferences((target) => solve({ ...options, ...target }))).toEqual([])
  })

  it('gives the same bits whatever the chunks: trackers cutting the run, or one advance', async () => {
    const options: SolveOptions = {
      grid: { nx: 30, ny: 26 },
      boundary: { type: 'robin', h: (x, y, t) => 2 + Math.sin(x + 50 * t), ambient: (x, y, t) => y * t },
      initial: 1,
      threads: 2,
    }
    const whole = await solve({ ...options, steps: 700 })
    const seen: number[] = []
    const trackers = [everySteps(37, (snapshot) => void seen.push(snapshot.step))]
    const cut = await solve({ ...options, steps: 700, trackers })
    expect(seen.length).toBeGreaterThan(5)
    expect(sameBits(cut.field, whole.field)).toBe(true)
  })

  it('fills nothing ahead past a failing time: the step that needs it fails, naming the side', async () => {
    await using solver = await Solver.create({
      grid: { nx: 40, ny: 30 },
      boundary: { type: 'neumann', flux: (_x, _y, t) => (t > 0.01 ? Number.NaN : 1) },
      threads: 2,
    })
    const { dt } = await solver.advance({ steps: 1 })
    const failing = Math.floor(0.01 / dt)
    await expect(solver.advance({ steps: 5000 })).rejects.toThrow(
      /options\.boundary\.left\.flux\(x, y, t\) must return a finite number/,
    )
    // Steps up to the one before the bad time were taken, none after.
    expect(solver.step).toBeGreaterThanOrEqual(failing - 1)
    expect(solver.t).toBeLessThanOrEqual(0.01 + 1e-12)
  })
})

describe.each(kBackends)('advancing in pieces on %s', (backend) => {
  it('gives the bits of one advance: the same times for side data and sources of t, chunk after chunk', async () => {
    const options: SolveOptions = {
      grid: { nx: 21, ny: 18 },
      boundary: {
        left: { type: 'dirichlet', value: (_x, y, t) => y * Math.sin(30 * t) },
        right: { type: 'robin', h: (_x, _y, t) => 1 + t, ambient: 0.5 },
        bottom: { type: 'neumann', flux: (x, _y, t) => x * Math.cos(7 * t) },
        top: { type: 'dirichlet', value: 0 },
      },
      source: { shape: (x, y) => x * y, scale: (t) => 1 + Math.sin(11 * t) },
      backend,
      threads: 2,
    }
    const whole = await solve({ ...options, steps: 333 })
    await using solver = await Solver.create(options)
    for (const steps of [1, 100, 7, 225]) await solver.advance({ steps })
    expect(solver.step).toBe(333)
    expect(solver.t).toBe(whole.t)
    expect(sameBits(solver.field(), whole.field)).toBe(true)
  })
})

describe('examples/daily-wave.mjs', () => {
  it("prints the swing of a wall's daily wave within 1% of e^(−x/δ) at one, two and three skin depths", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['examples/daily-wave.mjs'])
    const rows = [...stdout.matchAll(/swing ([0-9.]+), e\^\(−x\/δ\) = ([0-9.]+)/g)]
    expect(rows).toHaveLength(3)
    for (const [, swing, exact] of rows) expect(Math.abs(Number(swing) / Number(exact) - 1)).toBeLessThan(0.01)
  })
})
