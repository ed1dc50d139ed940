/**
 * The benchmark suite runs end to end in --quick mode and writes a well-formed results file. Speed is
 * never asserted: only that every expected cell is there with positive, finite numbers.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// @ts-expect-error: plain ESM modules without type declarations
import { parseBenchArgs } from '../bench/args.mjs'
// @ts-expect-error: plain ESM modules without type declarations
import { withFigures } from '../bench/figures.mjs'
// @ts-expect-error: plain ESM modules without type declarations
import { memoryShortfall, summarize, timedSteps } from '../bench/matrix.mjs'
// @ts-expect-error: plain ESM modules without type declarations
import { parseReferenceLine } from '../bench/reference.mjs'
// @ts-expect-error: plain ESM modules without type declarations
import { crossoverTable, inCacheTable } from '../bench/table.mjs'
// @ts-expect-error: plain ESM modules without type declarations
import { costsByObject } from '../bench/instructions.mjs'
// @ts-expect-error: plain ESM modules without type declarations
import { bestLoop } from '../bench/jsloop.mjs'
// @ts-expect-error: plain ESM modules without type declarations
import { runSeparable } from '../bench/separable.mjs'
import { jsKernel } from '../dist/backends/js.js'
import { sameBits } from './helpers.js'

const run = promisify(execFile)
const kScript = path.resolve(import.meta.dirname, '..', 'bench', 'run.mjs')

interface Summary {
  median: number
  min: number
  max: number
}
interface Cell {
  nodes: number
  backend: string
  threads: number
  steps: number
  repeats: number
  seconds: number[]
  mlups: Summary
  reference?: { mlups: Summary }
  figures: Record<string, number | null>
}

const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0

describe('npm run bench -- --quick', () => {
  let dir: string
  let result: { cells: Cell[]; [key: string]: any }
  let stdout: string
  let stderr: string

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calor-bench-test-'))
    ;({ stdout, stderr } = await run(process.execPath, [kScript, '--quick', '--out', dir], { encoding: 'utf8' }))
    result = JSON.parse(fs.readFileSync(path.join(dir, 'latest.json'), 'utf8'))
  }, 180_000)
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('measures every size × threads × backend cell, with positive finite numbers', () => {
    const max = os.availableParallelism()
    const threads = [...new Set([1, max])]
    const expected = [130, 514].flatMap((nodes) =>
      threads.flatMap((t) => ['native', 'js'].map((backend) => `${nodes} ${backend} ${t}`)),
    )
    expect(result.cells.map((c) => `${c.nodes} ${c.backend} ${c.threads}`).sort()).toEqual(expected.sort())
    for (const c of result.cells) {
      expect(c.repeats, `${c.nodes} ${c.backend} ${c.threads}`).toBe(1)
      expect(Number.isInteger(c.steps) && c.steps >= 1).toBe(true)
      expect([...c.seconds, c.mlups.median, c.mlups.min, c.mlups.max, c.figures.trafficGBs].every(positive)).toBe(true)
      expect(c.mlups.min <= c.mlups.median && c.mlups.median <= c.mlups.max).toBe(true)
    }
  })

  it('derives speed-up and efficiency from the measured baselines', () => {
    for (const c of result.cells) {
      const js1 = result.cells.find((o) => o.nodes === c.nodes && o.backend === 'js' && o.threads === 1) as Cell
      expect(c.figures.speedupVsJs1).toBeCloseTo(c.mlups.median / js1.mlups.median, 12)
      if (c.threads === 1) expect(c.figures.efficiency).toBe(1)
      else expect(positive(c.figures.efficiency)).toBe(true)
    }
  })

  it('measures the memory bandwidth and puts each native cell against its ceiling', () => {
    expect(result.bandwidth.measured).toBe(true)
    for (const p of result.bandwidth.probes) expect([p.copyGBs, p.triadGBs, p.ceilingMlups].every(positive)).toBe(true)
    for (const c of result.cells) {
      if (c.backend === 'native') expect(positive(c.figures.ceilingPercent)).toBe(true)
      else expect(c.figures.ceilingPercent).toBeNull()
    }
  })

  it('runs the C reference beside every native cell when it is available, or says why not', () => {
    if (!result.reference.available) {
      expect(result.reference.reason).toMatch(/not found|failed|disabled/)
      return
    }
    for (const c of result.cells) {
      if (c.backend !== 'native') continue
      expect(positive(c.reference?.mlups.median)).toBe(true)
      expect(c.figures.vsReference).toBeCloseTo(c.mlups.median / (c.reference as { mlups: Summary }).mlups.median, 12)
    }
  })

  it('runs the best plain JS loop beside the js 1-thread cell, and prints native ÷ js per size', () => {
    for (const c of result.cells.filter((o) => o.backend === 'js' && o.threads === 1)) {
      const loop = (c as Cell & { bestLoop: { mlups: Summary } }).bestLoop
      expect(positive(loop.mlups.median)).toBe(true)
      expect(c.figures.vsBestLoop).toBeCloseTo(c.mlups.median / loop.mlups.median, 12)
    }
    expect(stdout).toMatch(/^grid +native÷js 1 thr/m)
  })

  it('measures solve() and Solver latency: a first call and warm calls per backend and thread count', () => {
    expect(result.latency.problem).toEqual({ nodes: 65, steps: 10 })
    const keys = result.latency.cells.map(
      (c: { api: string; backend: string; threads: unknown }) => `${c.api} ${c.backend} ${c.threads}`,
    )
    expect(keys.sort()).toEqual(
      ['Solver js 2', 'Solver native 2'].concat(
        ['js 1', 'js 2', 'js default', 'native 1', 'native 2', 'native default'].map((k) => `solve ${k}`),
      ),
    )
    for (const c of result.latency.cells) {
      expect([c.firstMs, c.warmMs.median, c.warmMs.min].every(positive)).toBe(true)
      expect(c.calls).toBe(11)
    }
    expect(stdout).toMatch(/^api +backend +threads +first call ms/m)
  })

  it('times Solver.create on a large grid beside the first write of as much fresh memory', () => {
    const { create } = result.latency
    expect(create.nodes).toBe(514)
    expect(create.cells.map((c: { initial: string; hugePages: boolean }) => `${c.initial} ${c.hugePages}`)).toEqual([
      'zero true',
      'zero false',
      'function true',
      'function false',
    ])
    for (const c of create.cells) {
      expect([c.createSeconds.median, c.stepSeconds.median, c.firstWriteSeconds.median].every(positive)).toBe(true)
    }
    // Progress lines, these among them, go to stderr.
    expect(stderr).toMatch(
      /create 514² native 2 thr, initial 0, 4 KiB pages: .* first write of fresh memory alone \d+ ms/,
    )
  })

  it('describes the machine, writes a dated copy and a chart, and prints the table', () => {
    expect(result.machine.node).toBe(process.version)
    expect(result.machine.availableParallelism).toBe(os.availableParallelism())
    expect(positive(result.durationSeconds)).toBe(true)
    const files = fs.readdirSync(dir).sort()
    expect(files).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/),
      'latest.json',
      'latest.svg',
    ])
    expect(fs.readFileSync(path.join(dir, files[0]), 'utf8')).toBe(
      fs.readFileSync(path.join(dir, 'latest.json'), 'utf8'),
    )
    const svg = fs.readFileSync(path.join(dir, 'latest.svg'), 'utf8')
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    // One line per backend × thread count, plus one per thread count for the C reference.
    const threadCounts = new Set(result.cells.map((c) => c.threads)).size
    const lines = (2 + (result.reference.available ? 1 : 0)) * threadCounts
    expect(svg.match(/<polyline /g)?.length).toBe(lines)
    expect(stdout).toMatch(/^grid +backend +threads/m)
    expect(stdout).toMatch(/Suite took \d/)
  })
})

describe('bench helpers', () => {
  it('summarizes runs as median, min and max', () => {
    expect(summarize([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 })
    expect(summarize([4, 1, 2, 3])).toEqual({ median: 2.5, min: 1, max: 4 })
  })

  it('times whole temporal blocks: runs rounded to 32 steps, and one block when a shorter run would time short blocks', () => {
    // Long enough: the nearest whole number of blocks.
    expect(timedSteps(8, 1, true)).toBe(32)
    expect(timedSteps(50, 0.1, true)).toBe(64)
    // 8194² on 1 thread: 4 steps would last the target, one block 1.9 s fits the 4 s budget of a cell.
    expect(timedSteps(4, 1.9, true)).toBe(32)
    // A block longer than the budget (the js backend at 8194²), or --quick: the run the target asked for.
    expect(timedSteps(4, 14, true)).toBe(4)
    expect(timedSteps(4, 1.9, false)).toBe(4)
  })

  it('skips a grid size that does not fit in the free memory, and says why', () => {
    expect(memoryShortfall(130, 4, 1e9)).toBeNull()
    expect(memoryShortfall(8194, 4, 1e9)).toBe('needs about 9.1 GB, more than 60% of the 1.0 GB free')
  })

  it('parses the reference output line and refuses anything else', () => {
    expect(parseReferenceLine('512 100 2 0.500000 52.4 1.234e+05\n')).toEqual({
      n: 512,
      steps: 100,
      threads: 2,
      seconds: 0.5,
      mlups: (512 * 512 * 100) / 0.5 / 1e6,
      checksum: 1.234e5,
    })
    expect(() => parseReferenceLine('Segmentation fault')).toThrow(
      'the C reference printed "Segmentation fault", expected "N steps threads seconds MLUPS checksum"',
    )
  })

  it('the best JS loop computes the js kernel’s formula: the same bits', () => {
    const n = 13
    const stride = n + 2
    const start = Float64Array.from({ length: stride * stride }, (_, k) => Math.sin(k * 0.37) + (k % 5))
    const [a, b] = [new Float64Array(start), new Float64Array(start)]
    expect(bestLoop(a, b, n, 5, 0.2, 0.15)).toBe(true)
    const none = { kind: 'none', a: 0, b: 0, c: 0 } as const
    const stepper = jsKernel.stencil({
      nx: n,
      first: 0,
      last: n - 1,
      rx: 0.2,
      ry: 0.15,
      dt: 0,
      left: none,
      right: none,
    })
    let [src, dst] = [new Float64Array(start), new Float64Array(start)]
    for (let step = 0; step < 5; step++) {
      stepper.step(src, dst.subarray(stride, (n + 1) * stride), new Float64Array(0), n)
      ;[src, dst] = [dst, src]
    }
    expect(sameBits(b, src)).toBe(true) // five steps end in the second buffer
  })

  it('adds up callgrind self costs per object file, leaving out the inclusive cost of calls', () => {
    const text = [
      'events: Ir',
      'ob=(1) /lib/a.so',
      'fn=(1) f',
      '3 10',
      'cob=(2) /lib/b.so',
      'cfn=(2) g',
      'calls=1 0',
      '5 1000',
      '+1 7',
      'ob=(2)',
      'fn=(2) g',
      '0 1000',
      'ob=(1)',
      '* 2',
    ].join('\n')
    expect(Object.fromEntries(costsByObject(text))).toEqual({ '/lib/a.so': 19, '/lib/b.so': 1000 })
  })

  it('leaves a figure null when its baseline was not measured', () => {
    const cell = { nodes: 130, backend: 'native', threads: 2, mlups: { median: 100, min: 90, max: 110 } }
    const [withF] = withFigures([cell], { measured: false, probes: [] })
    expect(withF.figures).toMatchObject({
      speedupVsJs1: null,
      efficiency: null,
      ceilingPercent: null,
      vsReference: null,
    })
    expect(withF.figures.trafficGBs).toBeCloseTo(2.4, 12)
  })

  it('rejects a bad flag with a message naming it, what was expected and what was given', () => {
    expect(() => parseBenchArgs(['--sizes', '130,x'])).toThrow(
      '--sizes must be a comma-separated list of integers >= 4, got "130,x"',
    )
    expect(() => parseBenchArgs(['--backends', 'gpu'])).toThrow(
      '--backends must be a comma-separated list of native, js, got "gpu"',
    )
    expect(parseBenchArgs(['--quick', '--threads', '2,1,2']).threads).toEqual([1, 2])
    expect(() => parseBenchArgs(['--physics', 'cubic'])).toThrow(
      '--physics must be one of constant, variable, separable, sides, implicit, 3d, got "cubic"',
    )
  })

  it('--physics variable measures α = 1 + x·y against its own C yardstick, into its own results', () => {
    const config = parseBenchArgs(['--physics', 'variable'])
    expect(config.physics).toBe('variable')
    expect(config.reference).toMatch(/bench[\\/]reference[\\/]stencil_var\.c$/)
    expect(config.out).toMatch(/calor-bench[\\/]variable$/)
    expect(parseBenchArgs(['--physics', 'variable', '--out', 'bench/results']).out).toMatch(
      /bench[\\/]results[\\/]variable$/,
    )
    expect(parseBenchArgs([]).physics).toBe('constant')
  })

  it.each([
    ['separable', ['separable']],
    ['sides', ['Dirichlet value of t', 'Neumann flux of t']],
  ])('--physics %s prints one ratio per pair, size and thread count, positive and finite', async (kind, forms) => {
    const lines: string[] = []
    await runSeparable(
      { sizes: [18], threads: [1], repeats: 1, seconds: 0.005 },
      (line: string) => lines.push(line),
      kind,
    )
    expect(lines).toHaveLength(forms.length)
    lines.forEach((line, k) => {
      expect(line).toContain(forms[k])
      expect(Number(/ratio ([0-9.]+)$/.exec(line)?.[1])).toBeGreaterThan(0)
    })
  })
})

describe('npm run bench -- --crossover', () => {
  it('runs 1 and 2 threads beside two independent 1-thread solvers at once, and prints their ratios', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calor-crossover-test-'))
    try {
      const args = [kScript, '--crossover', '--quick', '--sizes', '18,34', '--out', dir]
      const { stdout } = await run(process.execPath, args, { encoding: 'utf8' })
      const rows = JSON.parse(fs.readFileSync(path.join(dir, 'crossover-latest.json'), 'utf8')).crossover
      expect(rows.map((r: { nodes: number }) => r.nodes)).toEqual([18, 34])
      for (const r of rows) {
        for (const v of [r.one.median, r.two.median, r.pair.median]) expect(positive(v)).toBe(true)
        expect(r.ratio).toBeCloseTo(r.two.median / r.one.median, 12)
        expect(r.ceiling).toBeCloseTo(r.pair.median / r.one.median, 12)
        expect(r.kept).toBeCloseTo(r.ratio / r.ceiling, 12)
      }
      expect(stdout).toContain('2 threads ÷ pair')
      expect(stdout).toMatch(/^34²\s/m)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)

  it('formats a row: rates, 2 ÷ 1, the pair, its ratio and the share of it 2 threads keep', () => {
    const s = (median: number) => ({ median, min: median, max: median })
    const row = { nodes: 130, one: s(1000), two: s(1600), ratio: 1.6, pair: s(1900), ceiling: 1.9, kept: 1.6 / 1.9 }
    const lines = crossoverTable([row]).split('\n')
    const header =
      /^grid +1 thread MLUP\/s +2 threads MLUP\/s +2 ÷ 1 +2 solvers × 1 thread +pair ÷ 1 +2 threads ÷ pair$/
    expect(lines[0]).toMatch(header)
    expect(lines[1].split(/\s{2,}/)).toEqual(['130²', '1000', '1600', '1.60×', '1900', '1.90×', '84%'])
  })
})

describe('the in-cache ratio table', () => {
  const cell = (nodes: number, threads: number, median: number, max = median) => ({
    nodes,
    threads,
    backend: 'native',
    dims: 2,
    mlups: { median, max },
  })

  it("divides each larger grid's native rate by 258²'s on the same thread count, medians and best runs", () => {
    const cells = [
      cell(258, 1, 4000, 5000),
      cell(258, 2, 8000),
      cell(2050, 1, 3000, 4500),
      cell(2050, 2, 6800),
      cell(130, 1, 1),
    ]
    const lines = inCacheTable(cells).split('\n')
    expect(lines[0].split(/\s{2,}/)).toEqual(['grid', '÷ 258² 1 thr (median / best)', '÷ 258² 2 thr (median / best)'])
    expect(lines.slice(-1)[0].split(/\s{2,}/)).toEqual(['2050²', '0.75 / 0.90', '0.85 / 0.85'])
    expect(lines).toHaveLength(2)
  })

  it('is left out when 258² was not measured', () => {
    expect(inCacheTable([cell(2050, 1, 3000)])).toBeNull()
  })
})
