// VTK output: the .vti files parse strictly (XML and data), decode to the exact bits of the field at their
// step on both backends and several thread counts, in either encoding; the .pvd lists every file with its
// time, and is whole whenever it can be read; bad options are refused by name. The real reader is in
// vtk-reader.spec.ts.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { AbortError, solve, Solver, type SolveOptions, type Tracker } from 'calor'

import { makeGrid } from '../dist/model/grid.js'
import { checkMemory, memoryNeeds } from '../dist/options/limits.js'
import { withVtkCopies } from '../dist/options/vtk.js'
import { formatPvd, formatVti, parsePvd, type VtkImage } from '../dist/storage/vtk.js'
import { kBackends, sameBits } from './helpers.js'
import { readPvd, readVti } from './vtk-xml.js'

const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'calor-vtk-'))
const read = (dir: string, file: string) => readFileSync(path.join(dir, file))

// 9 × 6 nodes on [0, 2] × [0, 1], periodic in x (dx = lx/nx): a field with no symmetry.
const [nx, ny, lx, ly] = [9, 6, 2, 1]
const kPeriodic = { type: 'periodic' } as const
const base = (dir: string, vtk: Partial<NonNullable<SolveOptions['vtk']>> = {}): SolveOptions => ({
  grid: { nx, ny, lx, ly },
  boundary: {
    left: kPeriodic,
    right: kPeriodic,
    bottom: { type: 'dirichlet', value: 1 },
    top: { type: 'neumann', flux: 0.5 },
  },
  initial: (x, y) => Math.sin(Math.PI * x) + y * y,
  steps: 10,
  vtk: { dir, every: 4, ...vtk },
})

/** A tracker that keeps a copy of the field at each step it sees. */
function recorder(): Tracker & { fields: Map<number, Float64Array>; times: Map<number, number> } {
  const fields = new Map<number, Float64Array>()
  const times = new Map<number, number>()
  return {
    fields,
    times,
    nextStep: (step) => step + 1,
    observe(snapshot) {
      fields.set(snapshot.step, snapshot.field())
      times.set(snapshot.step, snapshot.t)
    },
  }
}

describe('vtk files', () => {
  const matrix = (['raw', 'base64'] as const).flatMap((encoding) =>
    kBackends.flatMap((backend) => [1, 3].map((threads) => ({ encoding, backend, threads }))),
  )
  it.each(matrix)('$encoding, $backend, $threads threads: every file holds the field of its step', async (c) => {
    const dir = tempDir()
    const seen = recorder()
    const options = { ...base(dir, { encoding: c.encoding }), backend: c.backend, threads: c.threads }
    const result = await solve({ ...options, trackers: [seen] })
    const entries = readPvd(read(dir, 'u.pvd'))
    expect(entries.map((e) => e.file)).toEqual(['u_000000.vti', 'u_000004.vti', 'u_000008.vti', 'u_000010.vti'])
    expect(readdirSync(dir).sort()).toEqual([...entries.map((e) => e.file), 'u.pvd'].sort())
    for (const [k, step] of [0, 4, 8, 10].entries()) {
      const vti = readVti(read(dir, entries[k].file))
      expect(entries[k].t, `time of step ${step}`).toBe(seen.times.get(step))
      expect(vti.time).toBe(entries[k].t)
      expect(sameBits(vti.u, seen.fields.get(step)!), `values of step ${step}`).toBe(true)
      expect(vti.wholeExtent).toBe(`0 ${nx - 1} 0 ${ny - 1} 0 0`)
      expect(vti.pieceExtent).toBe(vti.wholeExtent)
      expect(vti.origin).toBe('0 0 0')
      expect(vti.spacing.split(' ').map(Number)).toEqual([lx / nx, ly / (ny - 1), lx / nx])
    }
    expect(entries.at(-1)!.t).toBe(result.t)
    expect(sameBits(readVti(read(dir, 'u_000010.vti')).u, result.field)).toBe(true)
  })

  it('a run to tEnd records tEnd exactly as the last time; the same field in both encodings', async () => {
    const [raw, inline] = [tempDir(), tempDir()]
    const tEnd = 0.0123
    const { steps: _s, ...options } = base(raw, { every: 1000 })
    const result = await solve({ ...options, tEnd })
    await solve({ ...options, tEnd, vtk: { dir: inline, every: 1000, encoding: 'base64' } })
    for (const dir of [raw, inline]) {
      const entries = readPvd(read(dir, 'u.pvd'))
      expect(entries.map((e) => e.t)).toEqual([0, tEnd])
      expect(entries[1].file).toBe(`u_${String(result.steps).padStart(6, '0')}.vti`)
      expect(sameBits(readVti(read(dir, entries[1].file)).u, result.field)).toBe(true)
    }
    expect(read(raw, 'u_000000.vti').length).toBeLessThan(read(inline, 'u_000000.vti').length)
  })

  it('a Solver writes each step once over many advances; the collection is whole whenever it is read', async () => {
    const dir = tempDir()
    const checks: string[] = []
    // Runs after the VTK tracker at every step: whatever u.pvd lists then is complete and readable.
    const reader: Tracker = {
      nextStep: (step) => step + 1,
      observe(snapshot) {
        if (snapshot.step === 0) return
        const entries = readPvd(read(dir, 'u.pvd'))
        for (const e of entries) expect(readVti(read(dir, e.file)).u.length).toBe(nx * ny)
        checks.push(`${snapshot.step}:${entries.length}`)
      },
    }
    const { steps: _s, ...options } = base(dir, { every: 3 })
    const solver = await Solver.create({ ...options, trackers: [reader] })
    await solver.advance({ steps: 4 })
    await solver.advance({ steps: 4 })
    const field = solver.field()
    const { t } = solver
    await solver.close()
    const entries = readPvd(read(dir, 'u.pvd'))
    expect(entries.map((e) => e.file)).toEqual([0, 3, 4, 6, 8].map((s) => `u_${String(s).padStart(6, '0')}.vti`))
    expect(entries.at(-1)!.t).toBe(t)
    expect(sameBits(readVti(read(dir, 'u_000008.vti')).u, field)).toBe(true)
    expect(checks.length).toBe(9)
  })

  it('an aborted run leaves a collection of whole files', async () => {
    const dir = tempDir()
    const controller = new AbortController()
    const stop: Tracker = {
      nextStep: (step) => step + 1,
      observe: (snapshot) => (snapshot.step === 5 ? controller.abort() : undefined),
    }
    const run = solve({ ...base(dir, { every: 2 }), signal: controller.signal, trackers: [stop] })
    await expect(run).rejects.toThrow(AbortError)
    const entries = readPvd(read(dir, 'u.pvd'))
    expect(entries.map((e) => e.file)).toEqual(['u_000000.vti', 'u_000002.vti', 'u_000004.vti'])
    for (const e of entries) expect(readVti(read(dir, e.file)).u.length).toBe(nx * ny)
  })
})

describe('vtk files of a resumed run', () => {
  it('continue the collection of the interrupted run: its earlier entries, then the resumed steps', async () => {
    const dir = tempDir()
    const checkpoint = { path: path.join(dir, 'run.ckpt'), every: 4 }
    const options = { ...base(path.join(dir, 'vtk'), { every: 3 }), steps: 12 }
    const controller = new AbortController()
    const stop: Tracker = { nextStep: (s) => s + 1, observe: (s) => (s.step === 7 ? controller.abort() : undefined) }
    const first = solve({ ...options, checkpoint, signal: controller.signal, trackers: [stop] })
    await expect(first).rejects.toThrow(AbortError)
    const before = readPvd(read(dir, 'vtk/u.pvd'))
    expect(before.map((e) => e.file)).toEqual(['u_000000.vti', 'u_000003.vti', 'u_000006.vti'])
    // A stray entry past the checkpoint's step, and one whose file is gone, are not continued.
    writeFileSync(
      path.join(dir, 'vtk', 'u.pvd'),
      formatPvd([before[0], { t: 1, file: 'u_000001.vti' }, ...before.slice(1)]),
    )
    const result = await solve({ ...options, resume: checkpoint.path })
    const after = readPvd(read(dir, 'vtk/u.pvd'))
    expect(after.map((e) => e.file)).toEqual([0, 3, 4, 6, 9, 12].map((s) => `u_${String(s).padStart(6, '0')}.vti`))
    expect(after.slice(0, 2)).toEqual(before.slice(0, 2))
    for (const e of after) expect(readVti(read(dir, `vtk/${e.file}`)).time).toBe(e.t)
    expect(after.at(-1)!.t).toBe(result.t)
    const whole = await solve({ ...options, vtk: undefined })
    expect(sameBits(readVti(read(dir, 'vtk/u_000012.vti')).u, whole.field)).toBe(true)
  })
})

describe('vtk file format', () => {
  // 5 × 4 × 3 points with odd spacing and origin; values include −0, NaN, ±Infinity and subnormals.
  const image: VtkImage = { nx: 5, ny: 4, nz: 3, dx: 0.1, dy: 1 / 3, dz: 2.5, origin: [-1, 0.5, 1e-3] }
  const special = [-0, NaN, Infinity, -Infinity, 5e-324, Number.MAX_VALUE]
  const field = Float64Array.from({ length: 60 }, (_, k) => special[k] ?? Math.sin(k) / (k + 1))

  it.each(['raw', 'base64'] as const)('%s: a 3D image keeps its extent, origin, spacing and bits', (encoding) => {
    const vti = readVti(formatVti(image, field, 0.25, encoding))
    expect(vti.wholeExtent).toBe('0 4 0 3 0 2')
    expect(vti.origin).toBe('-1 0.5 0.001')
    expect(vti.spacing).toBe(`0.1 ${1 / 3} 2.5`)
    expect(vti.time).toBe(0.25)
    expect(sameBits(vti.u, field)).toBe(true)
  })

  it('base64 joins its pieces into one stream whatever the length (1 to 3 values, and past a piece)', () => {
    for (const length of [1, 2, 3, 98_303, 98_304, 98_305, 200_000]) {
      const values = Float64Array.from({ length }, (_, k) => k * 0.5 - 7)
      const plane = { nx: length, ny: 1, nz: 1, dx: 1, dy: 1, dz: 1, origin: [0, 0, 0] as const }
      const bytes = formatVti(plane, values, 0, 'base64')
      expect(sameBits(readVti(bytes).u, values), `length ${length}`).toBe(true)
    }
  })

  it('refuses a field that does not fit its image, and non-finite times', () => {
    expect(() => formatVti(image, field.subarray(1), 0, 'raw')).toThrow(
      'formatVti: the field has 59 values, the image 5×4×3 points',
    )
    expect(() => formatVti(image, field, NaN, 'raw')).toThrow('formatVti: the time must be finite, got NaN')
    expect(() => formatPvd([{ t: Infinity, file: 'a.vti' }])).toThrow('the time of a.vti must be finite')
  })

  it('escapes file names in the collection, and reads back only its own layout', () => {
    const entries = [
      { t: 1e-7, file: 'a&"<b>.vti' },
      { t: 0.1 + 0.2, file: 'u_000001.vti' },
    ]
    expect(readPvd(formatPvd(entries))).toEqual(entries)
    expect(parsePvd(formatPvd(entries).toString('utf8'))).toEqual(entries)
    expect(parsePvd(formatPvd([]).toString('utf8'))).toEqual([])
    const other = formatPvd(entries).toString('utf8').replace(' group="" part="0"', '')
    expect(parsePvd(other)).toBeUndefined()
    expect(parsePvd('')).toBeUndefined()
  })
})

describe('vtk options', () => {
  const grid = { nx: 5, ny: 5 }
  it.each([
    ['out', 'options.vtk must be an object such as { dir: \'out\', every: 100 }, got "out"'],
    [{}, 'options.vtk.dir must be a non-empty string (a directory), got undefined'],
    [{ dir: '' }, 'options.vtk.dir must be a non-empty string (a directory), got ""'],
    [{ dir: 'd', every: 0 }, 'options.vtk.every must be an integer >= 1, got 0'],
    [{ dir: 'd', every: 2.5 }, 'options.vtk.every must be an integer >= 1, got 2.5'],
    [{ dir: 'd', encoding: 'ascii' }, "options.vtk.encoding must be 'raw' or 'base64', got \"ascii\""],
    [{ dir: 'd', evry: 2 }, 'Unknown option options.vtk.evry; expected one of dir, every, encoding'],
  ])('refuses %j', async (vtk, message) => {
    await expect(solve({ grid, steps: 1, vtk: vtk as never })).rejects.toThrow(message)
  })

  it('counts a copy of the field and one file in the memory a run needs', () => {
    const grid = makeGrid(1000, 1000, 1, 1, false, false)
    const needs = memoryNeeds(grid, {}, undefined)
    const [raw, inline] = (['raw', 'base64'] as const).map((encoding) =>
      withVtkCopies(needs, { dir: 'd', every: 1, encoding }),
    )
    expect([needs.copies, raw.copies, inline.copies]).toEqual([1, 3, 4])
    // Two padded fields (16 MB) and one copy (8 MB) fit in 30 MB; with a raw file's two more they do not.
    expect(() => checkMemory(grid, needs, 30e6)).not.toThrow()
    expect(() => checkMemory(grid, raw, 30e6)).toThrow('needs 40.1 MB for two fields and 3 copies of the field')
  })

  it('refuses a directory it cannot create before any step', async () => {
    const file = path.join(tempDir(), 'a-file')
    writeFileSync(file, '')
    await expect(solve({ grid, steps: 1, vtk: { dir: path.join(file, 'sub') } })).rejects.toThrow(
      `options.vtk.dir: cannot create ${path.join(file, 'sub')}: ENOTDIR`,
    )
  })
})
