/**
 * 3D grids through the one Grid: the 7-point stencil against the exact discrete answers, over both
 * backends and 1–4 threads; bits independent of threads, backend and temporal blocking; bad input named.
 * Grids stay small (12³–24³) so the file adds little to the suite's time.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { type SolveOptions, solve } from 'calor'
import { kMatrix, maxAbsDiff, sameBits } from './helpers.js'

type Side = { type: 'dirichlet'; value?: number } | { type: 'neumann'; flux?: number } | { type: 'periodic' }

/** Node (i, j, k) of a result, as DESIGN.md lays it out: (k·ny + j)·nx + i. */
const at = (field: Float64Array, nx: number, ny: number, i: number, j: number, k: number) =>
  field[(k * ny + j) * nx + i]

/** The discrete mode's growth factor per step: 1 − Σ 4 r_a sin²(θ_a / 2), θ_a the mode's phase per node. */
const growth = (terms: readonly (readonly [r: number, theta: number])[]) =>
  1 - terms.reduce((s, [r, theta]) => s + 4 * r * Math.sin(theta / 2) ** 2, 0)

describe.each(kMatrix)('3D grid ($backend, $threads threads)', ({ backend, threads }) => {
  it('decays the sine mode by exactly g^steps, g = 1 − Σ 4 r_a sin²(π h_a / 2)', async () => {
    const [nx, ny, nz, lx, ly, lz] = [13, 11, 12, 1, 0.8, 1.1]
    const [dx, dy, dz] = [lx / (nx - 1), ly / (ny - 1), lz / (nz - 1)]
    const mode = (x: number, y: number, z: number) =>
      Math.sin((Math.PI * x) / lx) * Math.sin((Math.PI * y) / ly) * Math.sin((Math.PI * z) / lz)
    const steps = 30
    const r = await solve({ grid: { nx, ny, nz, lx, ly, lz }, initial: mode, steps, backend, threads })
    expect(r.nz).toBe(nz)
    expect(r.field.length).toBe(nx * ny * nz)
    const g = growth([
      [r.dt / dx ** 2, (Math.PI * dx) / lx],
      [r.dt / dy ** 2, (Math.PI * dy) / ly],
      [r.dt / dz ** 2, (Math.PI * dz) / lz],
    ])
    let error = 0
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          const exact = g ** steps * mode(i * dx, j * dy, k * dz)
          error = Math.max(error, Math.abs(at(r.field, nx, ny, i, j, k) - exact))
        }
    expect(error).toBeLessThan(1e-10)
    expect(g ** steps).toBeLessThan(0.9) // the mode did decay: the test can fail
  })

  it.each([
    ['α = 1', 1],
    ['α varying', (x: number, y: number, z: number) => 0.5 + x * z + y * y],
  ])('conserves the trapezoid sum in an insulated box (%s)', async (_, diffusivity) => {
    const [nx, ny, nz] = [12, 10, 14]
    const initial = (x: number, y: number, z: number) => Math.cos(3 * x) + x * y + Math.sin(5 * z) * y
    const grid = { nx, ny, nz, lx: 1, ly: 1, lz: 1 }
    const options = { grid, initial, diffusivity, boundary: { type: 'neumann' as const } }
    const r = await solve({ ...options, steps: 40, backend, threads })
    const start = await solve({ ...options, steps: 0, backend: 'js', threads: 1 })
    const w = (n: number, count: number) => (n === 0 || n === count - 1 ? 0.5 : 1)
    const total = (f: Float64Array) => {
      let s = 0
      for (let k = 0; k < nz; k++)
        for (let j = 0; j < ny; j++)
          for (let i = 0; i < nx; i++) s += w(i, nx) * w(j, ny) * w(k, nz) * at(f, nx, ny, i, j, k)
      return s
    }
    expect(Math.abs(total(r.field) - total(start.field))).toBeLessThan(1e-11 * Math.abs(total(start.field)))
    expect(maxAbsDiff(r.field, start.field)).toBeGreaterThan(1e-3) // the field did change
  })

  it('wraps a periodic z axis: a cosine mode along z decays by its discrete factor', async () => {
    const [nx, ny, nz, lz] = [12, 3, 16, 2]
    const dx = 1 / (nx - 1)
    const dz = lz / nz // periodic: node nz − 1 is followed by node 0
    const mode = (x: number, _y: number, z: number) => Math.sin(Math.PI * x) * Math.cos((2 * Math.PI * z) / lz + 0.3)
    const boundary = {
      ...{ left: { type: 'dirichlet' }, right: { type: 'dirichlet' } },
      ...{ bottom: { type: 'neumann' }, top: { type: 'neumann' } },
      ...{ back: { type: 'periodic' }, front: { type: 'periodic' } },
    } as const satisfies Record<string, Side>
    const steps = 25
    const grid = { nx, ny, nz, lx: 1, ly: 1, lz }
    const r = await solve({ grid, initial: mode, boundary, steps, backend, threads })
    const g = growth([
      [r.dt / dx ** 2, Math.PI * dx],
      [r.dt / dz ** 2, (2 * Math.PI * dz) / lz],
    ])
    let error = 0
    for (let k = 0; k < nz; k++)
      for (let i = 0; i < nx; i++) {
        const exact = g ** steps * mode(i * dx, 0, k * dz)
        for (let j = 0; j < ny; j++) error = Math.max(error, Math.abs(at(r.field, nx, ny, i, j, k) - exact))
      }
    expect(error).toBeLessThan(1e-10)
  })
})

describe.each(kMatrix)('3D grid, side data as functions of (x, y, z, t) ($backend, $threads threads)', (m) => {
  it('hold a linear field steady to rounding through Dirichlet, Neumann and Robin data', async () => {
    const [h, nx, ny, nz] = [2.5, 9, 8, 10]
    const u = (x: number, y: number, z: number) => 0.5 + x + 2 * y - z
    // Each side's data describe u itself: its value, its outward flux −∂u/∂n, or the ambient with −∂u/∂n = h(u − ambient).
    const boundary = {
      left: { type: 'dirichlet', value: (x: number, y: number, z: number, t: number) => u(x, y, z) + 0 * t },
      right: { type: 'neumann', flux: (_x: number, _y: number, _z: number, t: number) => -1 + 0 * t },
      bottom: { type: 'neumann', flux: (_x: number, _y: number, _z: number, t: number) => 2 + 0 * t },
      top: { type: 'robin', h, ambient: (x: number, y: number, z: number, t: number) => u(x, y, z) + 2 / h + 0 * t },
      back: { type: 'dirichlet', value: (x: number, y: number, z: number, t: number) => u(x, y, z) + 0 * t },
      front: {
        type: 'robin',
        h: (_x: number, _y: number, _z: number, t: number) => h + 0 * t,
        ambient: (x: number, y: number, z: number) => u(x, y, z) - 1 / h,
      },
    } as const
    const grid = { nx, ny, nz, lx: 1, ly: 1.2, lz: 0.9 }
    const [dx, dy, dz] = [1 / (nx - 1), 1.2 / (ny - 1), 0.9 / (nz - 1)]
    const settled = await solve({ grid, initial: u, boundary, steps: 50, ...m })
    let drift = 0
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++)
          drift = Math.max(drift, Math.abs(at(settled.field, nx, ny, i, j, k) - u(i * dx, j * dy, k * dz)))
    expect(drift).toBeLessThan(1e-12)
  })
})

describe('3D grid: the same bits everywhere', () => {
  // Every kind on some side, a source, and a Robin side across z that reads its boundary plane.
  const base: SolveOptions = {
    grid: { nx: 11, ny: 9, nz: 24, lx: 1, ly: 0.9, lz: 2 },
    initial: (x, y, z) => Math.exp(-((x - 0.4) ** 2 + (y - 0.5) ** 2 + (z - 0.9) ** 2) * 8),
    source: (x, y, z) => x * (1 - y) + z,
    boundary: {
      left: { type: 'neumann', flux: 0.3 },
      right: { type: 'dirichlet', value: 0.2 },
      bottom: { type: 'periodic' },
      top: { type: 'periodic' },
      back: { type: 'dirichlet', value: 1 },
      front: { type: 'robin', h: 2, ambient: 0.1 },
    },
    steps: 23,
  }

  // The same with a varying α (harmonic faces, per-cell ghost coefficients, the up faces across z).
  const variable: SolveOptions = { ...base, diffusivity: (x, y, z) => 1 + x * y + 0.5 * Math.sin(3 * z) }

  it.each([
    ['α constant', base],
    ['α varying', variable],
  ])('over 1–4 threads, both backends and every blocking depth (%s)', async (_, options) => {
    const base = options
    const oracle = await solve({ ...base, backend: 'js', threads: 1 })
    const runs = [
      ...kMatrix.map((m) => ({ ...m, temporalBlocking: 1 })),
      ...[2, 3, 4].flatMap((k) =>
        [1, 2, 3].map((threads) => ({ backend: 'native' as const, threads, temporalBlocking: k })),
      ),
    ]
    for (const run of runs) {
      const r = await solve({ ...base, ...run })
      expect(sameBits(r.field, oracle.field), JSON.stringify(run)).toBe(true)
    }
    expect(maxAbsDiff(oracle.field, (await solve({ ...base, steps: 0, backend: 'js' })).field)).toBeGreaterThan(1e-3)
  })
})

describe('3D grid: second-order convergence', () => {
  it('halving h divides the error against exp(−3π²αt)·sin·sin·sin by about 4', async () => {
    const tEnd = 0.02
    const mode = (x: number, y: number, z: number) =>
      Math.sin(Math.PI * x) * Math.sin(Math.PI * y) * Math.sin(Math.PI * z)
    const errorAt = async (n: number) => {
      const h = 1 / (n - 1)
      // dt ∝ h² keeps the time error of the same order as the space error.
      const dt = (0.4 * (h * h)) / 6
      const r = await solve({ grid: { nx: n, ny: n, nz: n, lx: 1, ly: 1, lz: 1 }, initial: mode, tEnd, dt, threads: 2 })
      const decay = Math.exp(-3 * Math.PI ** 2 * tEnd)
      let error = 0
      for (let k = 0; k < n; k++)
        for (let j = 0; j < n; j++)
          for (let i = 0; i < n; i++)
            error = Math.max(error, Math.abs(at(r.field, n, n, i, j, k) - decay * mode(i * h, j * h, k * h)))
      return error
    }
    const [coarse, fine] = [await errorAt(17), await errorAt(33)]
    expect(coarse / fine).toBeGreaterThan(3.6)
    expect(coarse / fine).toBeLessThan(4.4)
  })
})

describe('3D grid: bad input is refused by name', () => {
  const grid = { nx: 12, ny: 12, nz: 12, lx: 1, ly: 1, lz: 1 }
  it.each([
    [{ grid: { ...grid, nz: 2 } }, /options\.grid\.nz must be 1 \(a 2D grid\) or an integer >= 3, got 2/],
    [{ grid: { nx: 12, ny: 12, nz: 12 } }, /options\.grid\.lz is required with options\.grid\.nz \(12\)/],
    [{ grid: { nx: 12, ny: 12, lz: 1 } }, /options\.grid\.lz needs options\.grid\.nz/],
    [{ grid, initial: new Float64Array(12 * 12) }, /options\.initial must be of length nx\*ny\*nz = 1728/],
    [
      {
        grid,
        boundary: {
          left: { type: 'dirichlet' },
          right: { type: 'dirichlet' },
          bottom: { type: 'dirichlet' },
          top: { type: 'dirichlet' },
        },
      },
      /options\.boundary\.back/,
    ],
    [
      { grid, boundary: { type: 'dirichlet', value: () => Number.NaN } },
      /options\.boundary\.value\(x, y, z, t\) must return a finite number, got NaN at x = 0, y = 0, z = 0, t = 0/,
    ],
    [{ grid, dt: 1 }, /options\.dt \(1\) exceeds the stable limit 1\/\(2α\(1\/dx² \+ 1\/dy² \+ 1\/dz²\)\)/],
    [
      { grid, diffusivity: new Float64Array(12 * 12 * 12).fill(1).fill(-1, 5, 6) },
      /options\.diffusivity must be positive at every node, got -1 at node \(5, 0, 0\), x = 0\.4545454545454546, y = 0, z = 0/,
    ],
    [
      { grid, frames: { dir: 'out', slice: { axis: 'z', index: 12 } } },
      /options\.frames\.slice\.index must be a node index along z, 0 to 11, got 12/,
    ],
    [{ grid, probes: [{ x: 0.5, y: 0.5 }] }, /options\.probes\[0\]\.z must be a number in \[0, 1\]/],
    [
      { grid: { nx: 12, ny: 12 }, frames: { dir: 'out', slice: { axis: 'z' } } },
      /options\.frames\.slice needs a 3D grid/,
    ],
  ])('%# %j', async (options, message) => {
    await expect(solve({ steps: 1, ...(options as SolveOptions) })).rejects.toThrow(message)
  })

  it.each([
    [
      { method: 'crank-nicolson', diffusivity: (x: number) => 1 + x, boundary: { type: 'periodic' } },
      /options\.method 'crank-nicolson' on a 3D grid \(options\.grid\.nz\) takes a varying options\.diffusivity only without periodic sides/,
    ],
  ])('refuses what a 3D grid cannot carry yet: %j', async (extra, message) => {
    await expect(solve({ grid, steps: 1, ...(extra as SolveOptions) })).rejects.toThrow(message)
  })

  it('takes mpi: true on a 3D grid as on a plane: outside a launcher, the launcher is what is missing', async () => {
    // Under mpiexec, 3D slabs of planes are tested in mpi-solve.spec.ts.
    await expect(solve({ grid, steps: 1, mpi: true } as SolveOptions)).rejects.toThrow(
      /^options\.mpi: true needs the script to run under an MPI launcher/,
    )
  })
})

describe('3D grid: probes and frames of a slice', () => {
  it('probes interpolate trilinearly; frames draw the middle z plane by default and record it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'calor-3d-'))
    const [nx, ny, nz] = [9, 7, 5]
    const linear = (x: number, y: number, z: number) => 1 + 2 * x - y + 3 * z
    const grid = { nx, ny, nz, lx: 1, ly: 1, lz: 1 }
    const probes = [
      { x: 0.3, y: 0.55, z: 0.8 },
      { x: 1, y: 0, z: 0.25 },
    ]
    const boundary = { type: 'neumann' } as const
    const r = await solve({ grid, initial: linear, boundary, steps: 0, probes, frames: { dir } })
    // A linear field is reproduced exactly (to rounding) by trilinear interpolation, and at a node exactly.
    expect(r.probes!.series[0].values[0]).toBeCloseTo(linear(0.3, 0.55, 0.8), 13)
    expect(r.probes!.series[0].z).toBe(0.8)
    expect(r.probes!.series[1].values[0]).toBe(at(r.field, nx, ny, 8, 0, 1))
    const manifest = JSON.parse(readFileSync(path.join(dir, 'frames.json'), 'utf8'))
    expect(manifest.slice).toEqual({ axis: 'z', index: 2, across: 'x', up: 'y' })
    expect([manifest.width, manifest.height]).toEqual([nx, ny])
    // The frame's extremes are the slice's own: the plane z = 0.5.
    expect(manifest.frames[0].min).toBeCloseTo(linear(0, 1, 0.5), 12)
    expect(manifest.frames[0].max).toBeCloseTo(linear(1, 0, 0.5), 12)
  })
})

describe('3D grid: a run to the steady state', () => {
  it('reaches the linear field between two held faces, its residual below the tolerance', async () => {
    const [nx, ny, nz] = [7, 6, 9]
    const boundary = {
      ...{ left: { type: 'neumann' }, right: { type: 'neumann' }, bottom: { type: 'neumann' } },
      ...{ top: { type: 'neumann' }, back: { type: 'dirichlet', value: 1 }, front: { type: 'dirichlet', value: 3 } },
    } as const
    const grid = { nx, ny, nz, lx: 1, ly: 1, lz: 2 }
    const r = await solve({ grid, boundary, until: { steady: 1e-9 }, threads: 2 })
    expect(r.residual).toBeLessThan(1e-9)
    let error = 0
    for (let k = 0; k < nz; k++)
      for (let i = 0; i < nx * ny; i++)
        error = Math.max(error, Math.abs(r.field[k * nx * ny + i] - (1 + (2 * k) / (nz - 1))))
    expect(error).toBeLessThan(1e-8)
  })
})

describe('3D grid: a run to the steady state with a varying α', () => {
  it('reaches the layered profile of harmonic faces (the residual has the z faces)', async () => {
    // α(z) = 1 + z between held faces: the flux α_f·(u_{k+1} − u_k)/dz is the same across every face.
    const [nx, ny, nz] = [6, 5, 9]
    const boundary = {
      ...{ left: { type: 'neumann' }, right: { type: 'neumann' }, bottom: { type: 'neumann' } },
      ...{ top: { type: 'neumann' }, back: { type: 'dirichlet', value: 1 }, front: { type: 'dirichlet', value: 3 } },
    } as const
    const alpha = (k: number) => 1 + k / (nz - 1)
    const resistance = Array.from(
      { length: nz - 1 },
      (_, k) => (alpha(k) + alpha(k + 1)) / (2 * alpha(k) * alpha(k + 1)),
    )
    const total = resistance.reduce((a, b) => a + b)
    const profile = (k: number) => 1 + (2 * resistance.slice(0, k).reduce((a, b) => a + b, 0)) / total
    const grid = { nx, ny, nz, lz: 1 }
    const r = await solve({ grid, boundary, diffusivity: (_x, _y, z) => 1 + z, until: { steady: 1e-9 }, threads: 2 })
    expect(r.steps).toBeGreaterThan(100)
    expect(r.residual).toBeLessThan(1e-9)
    let error = 0
    for (let k = 0; k < nz; k++)
      for (let i = 0; i < nx * ny; i++) error = Math.max(error, Math.abs(r.field[k * nx * ny + i] - profile(k)))
    expect(error).toBeLessThan(1e-8)
  })
})

describe('3D grid: checkpoints', () => {
  it('resume a 3D run bit-identically, and refuse a checkpoint of another nz by name', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'calor-3d-ckpt-'))
    const file = path.join(dir, 'run.ckpt')
    const options: SolveOptions = {
      grid: { nx: 9, ny: 8, nz: 10, lx: 1, ly: 1, lz: 1.5 },
      initial: (x, y, z) => x * y + Math.sin(2 * z),
      boundary: { type: 'neumann', flux: 0.1 },
      threads: 2,
    }
    const whole = await solve({ ...options, steps: 40 })
    await solve({ ...options, steps: 20, checkpoint: { path: file, every: 10 } })
    const resumed = await solve({ ...options, steps: 40, resume: file })
    expect(sameBits(resumed.field, whole.field)).toBe(true)
    const other = { ...options, grid: { nx: 9, ny: 8, nz: 11, lx: 1, ly: 1, lz: 1.5 } }
    await expect(solve({ ...other, steps: 40, resume: file })).rejects.toThrow(
      /grid\.nz is 10 there and 11 in these options/,
    )
  })
})

describe('3D grid: VTK output', () => {
  it('writes ImageData with the nz planes, dz and the field in VTK point order', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'calor-3d-vtk-'))
    const grid = { nx: 5, ny: 4, nz: 6, lx: 1, ly: 0.6, lz: 2 }
    const r = await solve({
      grid,
      initial: (x, y, z) => x + 10 * y + 100 * z,
      steps: 0,
      vtk: { dir, encoding: 'base64' },
    })
    const xml = readFileSync(path.join(dir, 'u_000000.vti'), 'utf8')
    expect(xml).toContain('WholeExtent="0 4 0 3 0 5"')
    expect(xml).toContain('Spacing="0.25 0.19999999999999998 0.4"')
    // Inline base64: a UInt64 byte count, then the values, x fastest: the result's own layout.
    const data = Buffer.from(
      /<DataArray[^>]*Name="u"[^>]*>\s*([A-Za-z0-9+/=]+)\s*<\/DataArray>/.exec(xml)![1],
      'base64',
    )
    const values = new Float64Array(data.buffer.slice(data.byteOffset + 8, data.byteOffset + data.length))
    expect(sameBits(values, r.field)).toBe(true)
  })
})
