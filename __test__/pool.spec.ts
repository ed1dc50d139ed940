/**
 * The warm pool (lib/parallel/pool.ts): a second solve() (or Solver) reuses the first one's workers, with the
 * same bits as fresh ones; the pool never keeps a process alive, never lends one worker to two gangs at
 * once, replaces a worker that died, survives an abort, and keeps none of a finished solve's memory.
 */
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import type { Worker } from 'node:worker_threads'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { AbortError, type SolveOptions, Solver, solve, type Tracker } from 'calor'

import { closeWarmPool } from '../dist/parallel/pool.js'
import { kBackends, sameBits } from './helpers.js'
import { idleWorkers, liveWorkers } from './live-workers.js'

const run = promisify(execFile)
const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', name)

/** Every worker thread started while this file runs. */
const started: Worker[] = []
const onWorker = (worker: Worker) => started.push(worker)
beforeAll(() => void process.on('worker', onWorker))
afterAll(() => void process.off('worker', onWorker))

const plate = (threads: number, backend: (typeof kBackends)[number], phase = 0): SolveOptions => ({
  grid: { nx: 41, ny: 37 },
  initial: (x, y) => Math.sin(Math.PI * x + phase) * Math.sin(Math.PI * y) + x * y,
  boundary: {
    left: { type: 'neumann', flux: 0.5 },
    right: { type: 'dirichlet', value: 1 },
    bottom: { type: 'dirichlet', value: 0 },
    top: { type: 'neumann', flux: 0 },
  },
  source: (x) => x,
  steps: 23,
  threads,
  backend,
})

/** The same problem on a Solver of its own, on fresh workers (the pool's idle ones are ended first). */
async function fresh(options: SolveOptions): Promise<Float64Array> {
  const { steps, ...rest } = options
  await closeWarmPool()
  await using solver = await Solver.create(rest)
  await solver.advance({ steps: steps! })
  return solver.field()
}

/** A tracker that, at one step, runs `body` while its own solve's workers are held. */
const atStep = (step: number, body: () => Promise<void>): Tracker => ({
  nextStep: (s) => (s < step ? step : Infinity),
  observe: async (snapshot) => {
    if (snapshot.step === step && snapshot.kind === 'step') await body()
  },
})

describe.each(kBackends)('the warm pool (%s backend)', (backend) => {
  it.each([1, 2, 3])('a second solve() on %i threads starts no worker and gives the same bits', async (threads) => {
    const first = await solve(plate(threads, backend))
    const before = started.length
    const second = await solve(plate(threads, backend))
    expect(started.length).toBe(before)
    expect(sameBits(second.field, first.field)).toBe(true)
    expect(sameBits(second.field, await fresh(plate(threads, backend)))).toBe(true)
  })

  it.each([1, 2])('a Solver created after another was closed (%i threads) starts no worker', async (threads) => {
    const { steps, ...rest } = plate(threads, backend)
    const once = async () => {
      await using solver = await Solver.create(rest)
      await solver.advance({ steps: steps! })
      return solver.field()
    }
    const first = await once()
    const before = started.length
    const second = await once()
    expect(started.length).toBe(before)
    expect(sameBits(second, first)).toBe(true)
    expect(sameBits(second, await fresh(plate(threads, backend)))).toBe(true)
  })

  it('lends a worker to one gang at a time: a solve() inside another takes other workers', async () => {
    await solve(plate(2, backend)) // two workers idle
    let outer: unknown[] = []
    let both: unknown[] = []
    const inner = plate(2, backend, 1)
    const innerTracker = atStep(5, async () => void (both = [...liveWorkers.keys()]))
    let innerField = new Float64Array(0)
    const outerTracker = atStep(9, async () => {
      outer = [...liveWorkers.keys()]
      innerField = (await solve({ ...inner, trackers: [innerTracker] })).field
    })
    const result = await solve({ ...plate(2, backend), trackers: [outerTracker] })
    expect(outer).toHaveLength(2)
    expect(both).toHaveLength(4)
    expect(outer.every((w) => both.includes(w))).toBe(true)
    expect(sameBits(result.field, await fresh(plate(2, backend)))).toBe(true)
    expect(sameBits(innerField, await fresh(inner))).toBe(true)
  })

  it('concurrent solve()s each get their own bits', async () => {
    const phases = [0, 0.5, 1, 1.5]
    const results = await Promise.all(phases.map((p, k) => solve(plate(1 + (k % 2), backend, p))))
    for (const [k, p] of phases.entries()) {
      expect(sameBits(results[k].field, await fresh(plate(1 + (k % 2), backend, p)))).toBe(true)
    }
  })

  it('replaces a worker that died while idle, and one that died mid-run', async () => {
    await solve(plate(2, backend))
    const [victim] = idleWorkers()
    await victim.terminate()
    expect(idleWorkers()).not.toContain(victim)
    expect(sameBits((await solve(plate(2, backend))).field, await fresh(plate(2, backend)))).toBe(true)
    const killer = atStep(4, async () => void (await ([...liveWorkers.keys()][0] as Worker).terminate()))
    const error = await solve({ ...plate(2, backend), trackers: [killer] }).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'WorkerError' })
    expect(sameBits((await solve(plate(2, backend))).field, await fresh(plate(2, backend)))).toBe(true)
  })

  it('a worker that ran explicit steps runs Crank–Nicolson next (and back) with fresh workers’ bits', async () => {
    const implicit: SolveOptions = { ...plate(2, backend), method: 'crank-nicolson', dt: 1e-3, steps: 7 }
    await solve(plate(2, backend))
    const before = started.length
    const first = await solve(implicit)
    const again = await solve(plate(2, backend))
    expect(started.length).toBe(before)
    expect(sameBits(first.field, await fresh(implicit))).toBe(true)
    expect(sameBits(again.field, await fresh(plate(2, backend)))).toBe(true)
  })

  it('after an abort, the same workers give the right bits', async () => {
    const controller = new AbortController()
    const long = { ...plate(2, backend), grid: { nx: 257, ny: 257 }, steps: 1e7, signal: controller.signal }
    const running = solve(long)
    setTimeout(() => controller.abort('enough'), 100)
    const error = await running.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AbortError)
    expect((error as AbortError).cause).toBe('enough')
    const before = started.length
    const again = await solve(plate(2, backend))
    expect(started.length).toBe(before)
    expect(sameBits(again.field, await fresh(plate(2, backend)))).toBe(true)
  })

  it('closeWarmPool() ends the idle workers; the next solve() starts new ones', async () => {
    await solve(plate(2, backend))
    const idle = idleWorkers()
    expect(idle.length).toBeGreaterThan(0)
    await closeWarmPool()
    expect(idleWorkers()).toEqual([])
    expect(idle.every((w) => w.threadId === -1)).toBe(true)
    const before = started.length
    expect(sameBits((await solve(plate(2, backend))).field, await fresh(plate(2, backend)))).toBe(true)
    expect(started.length).toBe(before + 2 + 2) // the solve's two, and fresh()'s own two
  })

  it('never keeps a process alive: a script of two solve()s ends on its own, the second on warm workers', async () => {
    // A hang is killed after 20 s (the test then fails on the error); no duration is asserted.
    const { stdout } = await run(process.execPath, [fixture('warm-exit.mjs'), backend], { timeout: 20_000 })
    expect(JSON.parse(stdout)).toEqual({ afterFirst: 2, afterSecond: 2, idle: 2 })
  })

  it('keeps none of a finished solve: its shared memory is freed while the workers stay in the pool', async () => {
    const args = ['--expose-gc', fixture('warm-memory.mjs'), backend]
    const { stdout } = await run(process.execPath, args, { timeout: 30_000 })
    const { during, held, idle } = JSON.parse(stdout)
    expect(during).toBeGreaterThan(1e7) // the fields of 1025² (8.4 MB each) were alive
    expect(held).toBeLessThan(2 ** 20)
    expect(idle).toBe(2)
  })
})
