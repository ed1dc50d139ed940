/**
 * The solver as a runtime: identical bits for every thread count and backend, Solver reuse, abort
 * and progress. Physics against exact answers is in solver.spec.ts.
 */
import type { Worker } from 'node:worker_threads'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { AbortError, type Progress, type SolveOptions, Solver, solve } from 'calor'

import { gaussian } from './exact.js'
import { kMatrix, sameBits } from './helpers.js'
import { idleWorkers, liveWorkers } from './live-workers.js'

/** Every worker thread started while this file runs (Node emits 'worker' on process for each one). */
const started: Worker[] = []
const onWorker = (worker: Worker) => started.push(worker)
beforeAll(() => void process.on('worker', onWorker))
afterAll(() => void process.off('worker', onWorker))

const exited = (worker: Worker) => worker.threadId === -1
/** Exited, or waiting in solve()'s warm pool (which holds no gang's buffers). */
const released = (worker: Worker) => exited(worker) || idleWorkers().includes(worker)

/** Every boundary kind but periodic, a source, and a field with no symmetry. */
const kMixed: SolveOptions = {
  grid: { nx: 23, ny: 19, lx: 1.3, ly: 0.9 },
  diffusivity: 0.7,
  initial: (x, y) => Math.sin(5 * x + 1) * Math.cos(3 * y) + x * y,
  source: (x, y) => Math.exp(-x) + y,
  boundary: {
    left: { type: 'dirichlet', value: 0.3 },
    right: { type: 'neumann', flux: 0 },
    bottom: { type: 'neumann', flux: 0.7 },
    top: { type: 'dirichlet', value: -0.2 },
  },
  steps: 37,
}

/** A periodic x axis, a Neumann flux and a Dirichlet side in y, and a source. */
const kPeriodic: SolveOptions = {
  grid: { nx: 20, ny: 17, lx: 1, ly: 1.6 },
  initial: gaussian(0.8, 0.3, 0.2),
  source: (x, y) => Math.cos(2 * Math.PI * x) * y,
  boundary: {
    left: { type: 'periodic' },
    right: { type: 'periodic' },
    bottom: { type: 'neumann', flux: -0.4 },
    top: { type: 'dirichlet', value: 1 },
  },
  steps: 41,
}

describe.each([
  { name: 'mixed Dirichlet/Neumann', options: kMixed },
  { name: 'periodic in x', options: kPeriodic },
])('$name: the same bits everywhere', ({ options }) => {
  let reference: Float64Array
  beforeAll(async () => {
    reference = (await solve({ ...options, backend: 'js', threads: 1 })).field
  })

  it.each(kMatrix)('$backend with $threads threads', async ({ backend, threads }) => {
    const result = await solve({ ...options, backend, threads })
    expect(result.stats.threads).toBe(threads)
    expect(sameBits(result.field, reference)).toBe(true)
  })
})

describe.each(kMatrix)('Solver on $backend with $threads threads', ({ backend, threads }) => {
  const options: SolveOptions = { ...kMixed, steps: undefined, backend, threads }

  it('advances in parts to the same bits as one solve', async () => {
    const whole = await solve({ ...options, steps: 30 })
    const solver = await Solver.create(options)
    try {
      const first = await solver.advance({ steps: 11 })
      expect(first.steps).toBe(11)
      const second = await solver.advance({ steps: 19 })
      // t is accumulated per advance (t0 + steps·dt), so it may differ from 30·dt in the last bit.
      expect(Math.abs(second.t - whole.t)).toBeLessThanOrEqual(2 * Number.EPSILON * whole.t)
      expect(solver.step).toBe(30)
      expect(sameBits(solver.field(), whole.field)).toBe(true)
    } finally {
      await solver.close()
    }
  })

  it('lands exactly on an absolute tEnd', async () => {
    await using solver = await Solver.create(options)
    const first = await solver.advance({ steps: 5 })
    const remaining = 0.01 - first.t
    const run = await solver.advance({ tEnd: 0.01 })
    expect(run.t).toBe(0.01)
    expect(solver.t).toBe(0.01)
    expect(run.steps).toBe(Math.ceil(remaining / first.dt))
    expect(run.dt).toBe(remaining / run.steps)
    expect(solver.step).toBe(5 + run.steps)
  })

  it('returns copies from field()', async () => {
    await using solver = await Solver.create(options)
    await solver.advance({ steps: 3 })
    const a = solver.field()
    const copy = new Float64Array(a)
    a.fill(42)
    const b = solver.field()
    expect(b).not.toBe(a)
    expect(sameBits(b, copy)).toBe(true)
  })

  it('closes once, idempotently, also through await using, and refuses to advance afterwards', async () => {
    let escaped: Solver | undefined
    let mine: Worker[] = []
    {
      await using solver = await Solver.create(options)
      escaped = solver
      await solver.advance({ steps: 2 })
      mine = [...liveWorkers.keys()] as Worker[]
    }
    // Its workers left its gang: back in the warm pool, or ended if the pool was full.
    expect(mine).toHaveLength(threads)
    expect(mine.every(released)).toBe(true)
    expect(mine.some((w) => liveWorkers.has(w))).toBe(false)
    await escaped.close()
    await escaped.close()
    await expect(escaped.advance({ steps: 1 })).rejects.toThrow('Solver.advance(): the solver is closed')
  })
})

describe.each(kMatrix)('abort on $backend with $threads threads', ({ backend, threads }) => {
  const big: SolveOptions = { grid: { nx: 65, ny: 65 }, initial: 1, backend, threads }

  it('rejects at once with an AbortError when the signal is already aborted, starting no worker', async () => {
    const reason = new Error('no need')
    const before = started.length
    const error = await solve({ ...big, steps: 10, signal: AbortSignal.abort(reason) }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AbortError)
    expect((error as AbortError).name).toBe('AbortError')
    expect((error as AbortError).cause).toBe(reason)
    expect(started.length).toBe(before)
  })

  it('stops a run in progress, releases its workers, and a new solve works', async () => {
    const controller = new AbortController()
    const before = started.length
    const run = solve({ ...big, steps: 1e9, signal: controller.signal })
    setTimeout(() => controller.abort('enough'), 150)
    const error = await run.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AbortError)
    expect((error as AbortError).cause).toBe('enough')
    expect(started.slice(before).every(released)).toBe(true)
    const again = await solve({ ...big, steps: 2 })
    expect(again.steps).toBe(2)
  })

  it('stops between chunks when aborted from onProgress', async () => {
    const controller = new AbortController()
    const seen: number[] = []
    const onProgress = (p: Progress) => {
      seen.push(p.step)
      controller.abort()
    }
    const error = await solve({ ...big, steps: 1e9, signal: controller.signal, onProgress }).catch((e) => e)
    expect(error).toBeInstanceOf(AbortError)
    expect(error.cause).toBeInstanceOf(DOMException) // the default reason of abort()
    expect(seen).toHaveLength(1)
  })
})

describe.each(kMatrix)('onProgress on $backend with $threads threads', ({ backend, threads }) => {
  const options: SolveOptions = { grid: { nx: 201, ny: 201 }, initial: 1, backend, threads }

  it('reports increasing steps that end at steps, with consistent times', async () => {
    const reports: Progress[] = []
    const result = await solve({ ...options, steps: 600, onProgress: (p) => void reports.push(p) })
    expect(reports.length).toBeGreaterThan(1)
    for (const [n, p] of reports.entries()) {
      expect(p.steps).toBe(600)
      if (n > 0) expect(p.step).toBeGreaterThan(reports[n - 1].step)
      expect(p.t).toBe(p.step * result.dt)
    }
    expect(reports.at(-1)?.step).toBe(600)
    expect(reports.at(-1)?.t).toBe(result.t)
  })

  it('ends exactly at tEnd', async () => {
    const reports: Progress[] = []
    const result = await solve({ ...options, tEnd: 1e-4, onProgress: (p) => void reports.push(p) })
    expect(reports.at(-1)).toMatchObject({ step: result.steps, steps: result.steps, t: 1e-4 })
  })
})
