/**
 * Parameter sweeps: results bit-identical to solve(), input order, isolation of bad jobs, dead
 * workers replaced (a test-only fault hook makes the worker running a chosen job call process.exit
 * before running it), abort that leaves no worker, reuse of a pool, vary expansion and the CLI.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { AbortError, readNpy, solve, sweep, sweepIterator, SweepPool, WorkerError, type SolveOptions } from 'calor'
import { expandVary, jobsOf } from '../dist/cli/sweep.js'
import { kLiveTaskWorkers, kSweepFaults } from '../dist/api/sweep.js'
import { TaskPool } from '../dist/parallel/tasks.js'

import { kBackends, sameBits } from './helpers.js'

const kCli = path.join(import.meta.dirname, '..', 'dist', 'cli.js')
const liveTaskWorkers = (TaskPool as unknown as Record<symbol, Set<unknown>>)[kLiveTaskWorkers]

/** OS threads of this process (Linux), so that an abort can be shown to leave no worker behind. */
const osThreads = () => Number(/Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1])

const plate = (n: number, steps: number, extra: Partial<SolveOptions> = {}): SolveOptions => ({
  grid: { nx: n, ny: n },
  initial: (x, y) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y),
  source: (x, y) => x * (1 - y),
  boundary: { left: { type: 'dirichlet', value: 1 }, right: { type: 'neumann', flux: 0.5 }, bottom: { type: 'dirichlet' }, top: { type: 'neumann' } },
  steps,
  ...extra,
}) // prettier-ignore

/** Polls `check` until it holds or `seconds` pass (a bound against hanging, not a timing assertion); its last answer. */
async function eventually(check: () => boolean, seconds = 20): Promise<boolean> {
  const deadline = performance.now() + 1000 * seconds
  while (!check() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
  return check()
}

describe.each(kBackends)('sweep on the %s backend', (backend) => {
  it('gives each job the bits of solve() of the same job, in input order', async () => {
    const jobs = [0.5, 1, 2, 4].map((diffusivity, k) => plate(17 + 8 * k, 30 + 10 * k, { diffusivity, backend }))
    const outcomes = await sweep(jobs, { workers: 2, threadsPerJob: 2 })
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'])
    for (const [k, job] of jobs.entries()) {
      const reference = await solve({ ...job, threads: 2 })
      const outcome = outcomes[k] as PromiseFulfilledResult<typeof reference>
      expect(sameBits(outcome.value.field, reference.field), `job ${k}`).toBe(true)
      expect([outcome.value.nx, outcome.value.steps, outcome.value.t]).toEqual([
        reference.nx,
        reference.steps,
        reference.t,
      ])
    }
  })

  it('runs Crank–Nicolson and steady jobs in one thread each (threadsPerJob 1) with the bits of solve()', async () => {
    const cn = { method: 'crank-nicolson', dt: 0.01, backend } as const
    const jobs = [plate(17, 6, cn), plate(17, 0, { ...cn, steps: undefined, until: { steady: 1e-8 } })]
    const outcomes = await sweep(jobs, { workers: 2, threadsPerJob: 1 })
    for (const [k, job] of jobs.entries()) {
      const reference = await solve({ ...job, threads: 1 })
      const outcome = outcomes[k] as PromiseFulfilledResult<typeof reference>
      expect(outcome.status, `job ${k}`).toBe('fulfilled')
      expect(sameBits(outcome.value.field, reference.field), `job ${k}`).toBe(true)
      expect([outcome.value.steps, outcome.value.residual]).toEqual([reference.steps, reference.residual])
    }
    expect((outcomes[1] as PromiseFulfilledResult<{ residual: number }>).value.residual).toBeLessThan(1e-8)
  })
})

describe('sweep', () => {
  it('keeps input order when jobs finish in another order, and reports each as it finishes', async () => {
    // Largest first: job 0 is the smallest, so it is dispatched last and finishes last.
    const jobs = [plate(9, 5), plate(65, 400), plate(33, 100)]
    const finished: number[] = []
    const progress: number[] = []
    const outcomes = await sweep(jobs, {
      workers: 1,
      onResult: (index) => finished.push(index),
      onProgress: (p) => progress.push(p.done / p.total),
    })
    expect(finished).toEqual([1, 2, 0])
    expect(progress).toEqual([1 / 3, 2 / 3, 1])
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value.nx : 0))).toEqual([9, 65, 33])
  })

  it('isolates a bad job: its own error, naming the job; the others go on', async () => {
    const jobs = [plate(17, 10), plate(17, 10, { dt: 1 }), plate(17, 10, { onProgress: () => {} }), plate(17, 10)]
    const outcomes = await sweep(jobs, { workers: 2 })
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled'])
    const [, unstable, refused] = outcomes as PromiseRejectedResult[]
    expect(unstable.reason).toMatchObject({ name: 'StabilityError', message: expect.stringMatching(/^jobs\[1\]: options\.dt \(1\) exceeds/) }) // prettier-ignore
    expect(refused.reason).toBeInstanceOf(TypeError)
    expect(refused.reason.message).toMatch(/^jobs\[2\]: options\.onProgress cannot be sent to a pool worker/)
  })

  it('names the job when its initial field, evaluated at dispatch, is refused', async () => {
    const outcomes = await sweep([plate(9, 3), plate(9, 3, { initial: () => Number.NaN })], { workers: 1 })
    expect(outcomes[0].status).toBe('fulfilled')
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toMatch(
      /^jobs\[1\]: options\.initial\(x, y\) must return a finite number, got NaN at node \(0, 0\)/,
    )
  })

  it('stops the remaining jobs and their workers when a sweepIterator loop is left early', async () => {
    const long = plate(129, 1_000_000, { backend: 'js' })
    // Largest first: the long job takes one worker, the small jobs the other.
    for await (const entry of sweepIterator([long, plate(9, 2), plate(9, 3)], { workers: 2 })) {
      expect(entry.index).not.toBe(0)
      break
    }
    expect(liveTaskWorkers.size).toBe(0)
  })

  it('rebuilds the class of an error thrown inside the worker', async () => {
    // A field that overflows to infinity fails in the worker, not in validation.
    const outcomes = await sweep([plate(9, 2000, { initial: 1e308, source: 1e308 })], { workers: 1 })
    expect((outcomes[0] as PromiseRejectedResult).reason).toMatchObject({ name: 'NonFiniteError' })
  })

  it('replaces a dead worker and retries its job once, then rejects it with a WorkerError naming the job', async () => {
    await using pool = new SweepPool({ workers: 2 })
    const jobs = [plate(17, 10), plate(17, 10), plate(17, 10)]
    const faults = new Map([[0, ['exit']], [1, ['uncaught']], [2, ['exit', 'uncaught']]]) // prettier-ignore
    const outcomes = await pool.sweep(jobs, { [kSweepFaults]: faults } as object)
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected'])
    const reason = (outcomes[2] as PromiseRejectedResult).reason
    expect(reason).toBeInstanceOf(WorkerError)
    expect(reason.message).toMatch(
      /^job 2: the pool worker calor-task-\d+ had an uncaught error: an injected uncaught error, on 2 attempts/,
    )
    const again = await pool.sweep([plate(17, 10)])
    expect(again[0].status).toBe('fulfilled')
  })

  it('aborts promptly and leaves no worker thread behind; the pool stays usable', async () => {
    expect(await eventually(() => liveTaskWorkers.size === 0)).toBe(true) // every earlier pool gone
    await using pool = new SweepPool({ workers: 2 })
    await pool.sweep([plate(9, 3), plate(9, 3)], { threadsPerJob: 2 }) // two idle workers, lazy threads made
    const idle = osThreads()
    const controller = new AbortController()
    const long = plate(257, 1_000_000, { backend: 'js' })
    const running = pool.sweep([long, long, long], { signal: controller.signal, threadsPerJob: 2 })
    try {
      // Both jobs running: each pool worker has started its 2 solver threads.
      expect(await eventually(() => osThreads() >= idle + 4)).toBe(true)
    } finally {
      controller.abort('enough')
    }
    const error = await running.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AbortError)
    expect((error as AbortError).cause).toBe('enough')
    expect(liveTaskWorkers.size).toBe(0) // the busy workers are gone; replacements start on demand
    expect(await eventually(() => osThreads() <= idle - 2)).toBe(true)
    expect((await pool.sweep([plate(9, 3)]))[0].status).toBe('fulfilled')
  })

  it('rejects at once when the signal has already fired, starting nothing', async () => {
    const before = liveTaskWorkers.size
    const error = await sweep([plate(9, 3)], { signal: AbortSignal.abort('no') }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AbortError)
    expect(liveTaskWorkers.size).toBe(before)
  })

  it('reuses one pool across sweeps, and sweepIterator yields in completion order with indices', async () => {
    await using pool = new SweepPool({ workers: 2 })
    const first = await pool.sweep([plate(9, 3), plate(9, 4)])
    const second = await pool.sweep([plate(9, 5)])
    expect([...first, ...second].map((o) => (o.status === 'fulfilled' ? o.value.steps : 0))).toEqual([3, 4, 5])
    const indices: number[] = []
    for await (const entry of sweepIterator([plate(9, 2), plate(33, 200)], { workers: 1 })) indices.push(entry.index)
    expect(indices).toEqual([1, 0])
  })

  it('refuses bad sweep options with a message naming the option', async () => {
    await expect(sweep([plate(9, 3)], { workers: 0 })).rejects.toThrow('options.workers must be an integer >= 1, got 0')
    await expect(sweep([plate(9, 3)], { threadsPerJob: 1.5 })).rejects.toThrow('options.threadsPerJob must be an integer >= 1, got 1.5') // prettier-ignore
  })
})

describe('calor sweep', () => {
  it('expands vary as a Cartesian product, the last key fastest, dotted keys into nested options', () => {
    const jobs = expandVary({ grid: { nx: 9, ny: 9 }, steps: 3 }, { diffusivity: [1, 2], 'grid.nx': [5, 7, 9] })
    expect(jobs.map((j) => [j.job.diffusivity, (j.job.grid as { nx: number }).nx])).toEqual([
      [1, 5], [1, 7], [1, 9], [2, 5], [2, 7], [2, 9],
    ]) // prettier-ignore
    expect(jobs[4].parameters).toEqual({ diffusivity: 2, 'grid.nx': 7 })
    expect(jobs[4].job.grid).toEqual({ nx: 7, ny: 9 })
    expect(() => jobsOf({ vary: { dt: [] } })).toThrow('"vary.dt" must be a non-empty array of values, got []')
  })

  it('runs JOBS.json end to end: one .npy per job (the bits of solve()) and results.json', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'calor-sweep-'))
    const base = { grid: { nx: 17, ny: 9 }, steps: 20, initial: 1, boundary: { type: 'dirichlet', value: 0 } }
    writeFileSync(
      path.join(dir, 'jobs.json'),
      JSON.stringify({ ...base, vary: { diffusivity: [0.5, 1], dt: [1e-3, 1] } }),
    )
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(process.execPath, [kCli, 'sweep', 'jobs.json', '--workers', '2', '--quiet'], { cwd: dir }, (error, stdout) =>
        resolve({ code: (error as { code?: number } | null)?.code ?? 0, stdout }),
      ),
    ) // prettier-ignore
    expect(code).toBe(1) // the two jobs with dt = 1 are unstable
    expect(stdout).toMatch(/done: 2 of 4 jobs/)
    const results = JSON.parse(readFileSync(path.join(dir, 'sweep-out', 'results.json'), 'utf8')).jobs
    expect(results.map((r: { status: string }) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected'])
    expect(results[2]).toMatchObject({
      parameters: { diffusivity: 1, dt: 1e-3 },
      file: 'job-2.npy',
      steps: 20,
      t: 0.02,
    })
    const reference = await solve({ ...(base as SolveOptions), diffusivity: 1, dt: 1e-3, threads: 1 })
    const saved = await readNpy(path.join(dir, 'sweep-out', 'job-2.npy'))
    expect(saved.shape).toEqual([9, 17])
    expect(sameBits(saved.data, reference.field)).toBe(true)
    expect(results[2].max).toBe(Math.max(...reference.field))
  })
})
