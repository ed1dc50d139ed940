/**
 * Probes: u at points of the domain, bilinearly interpolated, as a time series. Against the exact discrete
 * sine mode (a node's value exactly; between nodes, the bilinear blend of the exact nodal values), on
 * every backend and thread count; the sampling schedule; bad points; the CSV and JSON forms; sweeps.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import {
  formatProbesCsv,
  formatProbesJson,
  type Snapshot,
  Solver,
  solve,
  sweep,
  writeProbes,
  type SolveOptions,
} from 'calor'

import { relativeError } from './exact.js'
import { kMatrix } from './helpers.js'

const sin2 = (x: number) => Math.sin(x) ** 2

/** 17 × 9 nodes on [0, 2] × [0, 1]: dx = dy = 0.125, exact in binary, so node coordinates are exact. */
const kGrid = { nx: 17, ny: 9, lx: 2, ly: 1 }
const [kDx, kDy] = [0.125, 0.125]
const alpha = 0.6
const sx = (x: number) => Math.sin((Math.PI * x) / kGrid.lx)
const sy = (y: number) => Math.sin((2 * Math.PI * y) / kGrid.ly)
const mode = (x: number, y: number) => sx(x) * sy(y)

/** The FTCS amplification factor of the mode per step. */
function factorOf(dt: number): number {
  const [rx, ry] = [(alpha * dt) / kDx ** 2, (alpha * dt) / kDy ** 2]
  return 1 - 4 * rx * sin2((Math.PI * kDx) / (2 * kGrid.lx)) - 4 * ry * sin2((2 * Math.PI * kDy) / (2 * kGrid.ly))
}

/** The bilinear blend of the mode's nodal values around (x, y), factored as the mode is. */
function blended(x: number, y: number): number {
  const [i, j] = [Math.floor(x / kDx), Math.floor(y / kDy)]
  const [wx, wy] = [x / kDx - i, y / kDy - j]
  return ((1 - wx) * sx(i * kDx) + wx * sx((i + 1) * kDx)) * ((1 - wy) * sy(j * kDy) + wy * sy((j + 1) * kDy))
}

describe.each(kMatrix)('probes on $backend with $threads threads', ({ backend, threads }) => {
  it('follow the exact discrete sine mode at a node and between nodes', async () => {
    const points = [
      { x: 0.625, y: 0.375 }, // node (5, 3)
      { x: 1.3, y: 0.33 }, // between nodes
    ]
    const result = await solve({
      grid: kGrid,
      diffusivity: alpha,
      initial: mode,
      steps: 50,
      backend,
      threads,
      probes: { points, every: 20 },
    })
    const probes = result.probes!
    expect(probes.steps).toEqual([0, 20, 40, 50])
    probes.t.forEach((t, n) => expect(t).toBeCloseTo(probes.steps[n] * result.dt, 15))
    const [node, between] = probes.series
    expect(node.values.at(-1)).toBe(result.field[3 * kGrid.nx + 5])
    const factor = factorOf(result.dt)
    expect(factor ** 50).toBeLessThan(0.6) // the mode really decayed
    probes.steps.forEach((step, n) => {
      expect(relativeError(node.values[n], factor ** step * mode(0.625, 0.375))).toBeLessThan(1e-12)
      expect(relativeError(between.values[n], factor ** step * blended(1.3, 0.33))).toBeLessThan(1e-12)
    })
    // Bilinear, not the continuous mode: the two differ far above rounding between nodes.
    expect(relativeError(blended(1.3, 0.33), mode(1.3, 0.33))).toBeGreaterThan(1e-4)
  })
})

describe('probes', () => {
  const base: SolveOptions = { grid: kGrid, diffusivity: alpha, initial: mode, steps: 3 }

  it('a plain list of points samples every step, the last row and column included', async () => {
    const result = await solve({
      ...base,
      probes: [
        { x: 2, y: 1 },
        { x: 2, y: 0.5 },
      ],
    })
    expect(result.probes!.steps).toEqual([0, 1, 2, 3])
    expect(result.probes!.series.map((s) => s.values.at(-1))).toEqual([
      result.field[8 * 17 + 16],
      result.field[4 * 17 + 16],
    ])
  })

  it('on a periodic axis, x = lx is node 0 again', async () => {
    const result = await solve({
      grid: { nx: 8, ny: 8 },
      initial: (x, y) => Math.cos(2 * Math.PI * x) + y,
      boundary: { left: { type: 'periodic' }, right: { type: 'periodic' }, bottom: { type: 'dirichlet' }, top: { type: 'neumann' } },
      steps: 5,
      probes: [{ x: 1, y: 0.3 }, { x: 0, y: 0.3 }, { x: 0.9375, y: 0.3 }],
    }) // prettier-ignore
    const [wrapped, zero, half] = result.probes!.series
    expect(wrapped.values).toEqual(zero.values)
    // x = 15/16 is half way between node 7 (x = 7/8) and node 0 (x = 1 ≡ 0): the mean of the two at y = 0.3.
    const f = result.field
    const column = (i: number) => f[2 * 8 + i] + ((0.3 * 7 - 2) / 1) * (f[3 * 8 + i] - f[2 * 8 + i])
    expect(half.values.at(-1)).toBeCloseTo((column(7) + column(0)) / 2, 14)
  })

  it("a snapshot's value(i, j) is the field's node, read in place; a node off the grid is refused", async () => {
    const seen: string[] = []
    const tracker = {
      nextStep: (step: number) => step + 2,
      observe(snapshot: Snapshot) {
        const field = snapshot.field()
        const same = [0, 5, 16].every((i) => [0, 3, 8].every((j) => snapshot.value(i, j) === field[j * 17 + i]))
        seen.push(`${snapshot.step}:${same}`)
        expect(() => snapshot.value(17, 0)).toThrow(
          'Snapshot.value(i, j) needs a node 0 <= i < 17, 0 <= j < 9, got (17, 0)',
        )
      },
    }
    await solve({ ...base, steps: 4, trackers: [tracker] } as SolveOptions)
    expect(seen).toEqual(['0:true', '2:true', '4:true'])
  })

  it('a Solver samples each state once across advances', async () => {
    await using solver = await Solver.create({ ...base, probes: { points: [{ x: 1, y: 0.5 }], every: 5 } })
    await solver.advance({ steps: 7 })
    await solver.advance({ steps: 8 })
    expect(solver.probes()!.steps).toEqual([0, 5, 7, 10, 15])
  })

  it.each([
    [{ x: 2.5, y: 0.5 }, "options.probes[0].x must be a number in [0, 2] (the grid's x extent), got 2.5"],
    [{ x: 1, y: -0.1 }, "options.probes[0].y must be a number in [0, 1] (the grid's y extent), got -0.1"],
    [{ x: Number.NaN, y: 0 }, "options.probes[0].x must be a number in [0, 2] (the grid's x extent), got NaN"],
    [{ x: 1 }, "options.probes[0].y must be a number in [0, 1] (the grid's y extent), got undefined"],
    [{ x: 1, y: 0, z: 0 }, 'Unknown option options.probes[0].z; expected one of x, y'],
    ['0.5,0.5', 'options.probes[0] must be a point { x, y }, got "0.5,0.5"'],
  ])('refuses the point %j', async (point, message) => {
    await expect(solve({ ...base, probes: [point as never] })).rejects.toThrow(message)
  })

  it.each([
    [[], 'options.probes must be a non-empty array of points { x, y }, got an array of length 0'],
    [{ points: [{ x: 0, y: 0 }], every: 0 }, 'options.probes.every must be an integer >= 1, got 0'],
    [{ every: 2 }, 'options.probes.points must be a non-empty array of points { x, y }, got undefined'],
    [7, 'options.probes must be an array of points [{ x, y }] or { points, every }, got 7'],
  ])('refuses probes %j', async (probes, message) => {
    await expect(solve({ ...base, probes: probes as never })).rejects.toThrow(message)
  })

  it('are written as CSV and JSON that read back to the same numbers', async () => {
    const probes = { steps: [0, 2], t: [0, 0.1], series: [{ x: 0.5, y: 0.25, values: [1 / 3, -2e-17] }] }
    expect(formatProbesCsv(probes)).toBe('step,t,u(x=0.5 y=0.25)\n0,0,0.3333333333333333\n2,0.1,-2e-17\n')
    expect(JSON.parse(formatProbesJson(probes))).toEqual(probes)
    const dir = mkdtempSync(path.join(os.tmpdir(), 'calor-probes-'))
    await writeProbes(path.join(dir, 'p.json'), probes)
    expect(JSON.parse(readFileSync(path.join(dir, 'p.json'), 'utf8'))).toEqual(probes)
  })

  it('come back from a sweep job as from solve()', async () => {
    const job = { ...base, probes: [{ x: 1.3, y: 0.33 }] }
    const [outcome] = await sweep([job], { workers: 1 })
    expect(outcome.status).toBe('fulfilled')
    const direct = await solve(job)
    expect(outcome.status === 'fulfilled' && outcome.value.probes).toEqual(direct.probes)
  })

  it("are in calor sweep's results.json for a job that has them", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'calor-probes-'))
    const job = { grid: { nx: 9, ny: 9 }, steps: 6, initial: 1, probes: { points: [{ x: 0.3, y: 0.6 }], every: 3 } }
    writeFileSync(path.join(dir, 'jobs.json'), JSON.stringify([job, { ...job, probes: undefined }]))
    const cli = path.join(import.meta.dirname, '..', 'dist', 'cli.js')
    const code = await new Promise((resolve) =>
      execFile(process.execPath, [cli, 'sweep', 'jobs.json', '--quiet'], { cwd: dir }, (error) =>
        resolve(error?.code ?? 0),
      ),
    )
    expect(code).toBe(0)
    const [withProbes, without] = JSON.parse(readFileSync(path.join(dir, 'sweep-out', 'results.json'), 'utf8')).jobs
    expect(withProbes.probes).toEqual((await solve(job)).probes)
    expect(without.probes).toBeUndefined()
  })
})
