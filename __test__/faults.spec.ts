/**
 * Worker faults: a worker that throws, exits, dies of an uncaught error, is killed or hangs. Each run
 * must reject (a WorkerError naming the worker, its rows and the step; or the AbortError / close that
 * ended a hang), leave no worker running, and leave the process able to solve again.
 */
import { afterEach, describe, expect, it } from 'vitest'

import { type SolveOptions, solve, Solver, WorkerError } from 'calor'

import { sameBits } from './helpers.js'
import { liveWorkers } from './live-workers.js'

// 65 × 65 with Dirichlet sides: rows 1…63 evolve; three workers own rows 1–21, 22–42 and 43–63.
const kOptions = {
  grid: { nx: 65, ny: 65 },
  initial: (x: number, y: number) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y),
  threads: 3,
} satisfies SolveOptions

/** Runs `body` with CALOR_FAULT set while the solver starts its workers (they copy the environment). */
async function withFault<T>(fault: string, body: () => Promise<T>): Promise<T> {
  process.env.CALOR_FAULT = fault
  try {
    return await body()
  } finally {
    delete process.env.CALOR_FAULT
  }
}

async function expectWorkerError(promise: Promise<unknown>): Promise<WorkerError> {
  const error = await promise.then(
    () => expect.fail('the run resolved'),
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(WorkerError)
  return error as WorkerError
}

afterEach(async () => {
  delete process.env.CALOR_FAULT
  expect([...liveWorkers.values()]).toEqual([])
  // The process is still healthy: a fresh solve gives the fault-free answer.
  const reference = await solve({ ...kOptions, steps: 20, backend: 'js' })
  expect(sameBits((await solve({ ...kOptions, steps: 20 })).field, reference.field)).toBe(true)
})

describe.each(['native', 'js'] as const)('a worker fault (%s backend)', (backend) => {
  it('a worker that throws rejects the run with a WorkerError naming it, its rows and the step', async () => {
    const error = await withFault('worker=2,step=5,kind=throw', () =>
      expectWorkerError(solve({ ...kOptions, backend, steps: 50 })),
    )
    expect(error.message).toBe(
      'calor-worker-2 (rows 22–42) failed at step 5: injected fault (throw) in calor-worker-2 at step 5',
    )
    expect([error.worker, error.rows, error.step]).toEqual(['calor-worker-2', [22, 42], 5])
    expect((error.cause as Error).message).toBe('injected fault (throw) in calor-worker-2 at step 5')
  })

  it('a worker that exits rejects the run; the barrier count gives the step', async () => {
    const error = await withFault('worker=3,step=7,kind=exit', () =>
      expectWorkerError(solve({ ...kOptions, backend, steps: 50 })),
    )
    expect(error.message).toBe('calor-worker-3 (rows 43–63) failed at step 7: exited unexpectedly with code 7')
    expect([error.worker, error.rows, error.step]).toEqual(['calor-worker-3', [43, 63], 7])
  })

  it('a worker that dies of an uncaught exception fails the solver; the next advance rejects', async () => {
    await withFault('worker=1,step=5,kind=uncaught', async () => {
      const solver = await Solver.create({ ...kOptions, backend })
      try {
        // The exception fires from a timer once the worker is back in its event loop, so the advance
        // running then, or a later one, rejects; from then on the solver is failed.
        let error: unknown
        for (let k = 0; k < 100 && !(error instanceof WorkerError); k++) {
          error = await solver.advance({ steps: 10 }).catch((e: unknown) => e)
        }
        expect(error).toBeInstanceOf(WorkerError)
        expect((error as WorkerError).message).toMatch(
          /^calor-worker-1 \(rows 1–21\) failed( at step \d+)?: injected fault \(uncaught\) in calor-worker-1 at step 5$/,
        )
        await expect(solver.advance({ steps: 1 })).rejects.toBe(error)
      } finally {
        await solver.close()
      }
    })
  })

  it('a worker killed mid-run (terminated from outside) rejects the run', async () => {
    const solver = await Solver.create({ ...kOptions, backend })
    try {
      // Catch at once: the rejection may come while the test is still awaiting terminate().
      const run = solver.advance({ steps: 1e7 }).catch((e: unknown) => Promise.reject(e))
      run.catch(() => {})
      await new Promise((resolve) => setTimeout(resolve, 100))
      const [victim] = [...liveWorkers].find(([, name]) => name === 'calor-worker-2') as [
        { terminate(): Promise<number> },
        string,
      ]
      await victim.terminate()
      const error = await expectWorkerError(run)
      expect(error.message).toMatch(
        /^calor-worker-2 \(rows 22–42\) failed at step \d+: exited unexpectedly with code 1$/,
      )
      expect(error.step).toBeGreaterThan(0)
      expect(error.message).toContain(`at step ${error.step}:`)
    } finally {
      await solver.close()
    }
  })

  it('a hung worker does not hang the run: abort rejects it and stops every worker', async () => {
    const controller = new AbortController()
    await withFault('worker=2,step=3,kind=hang', async () => {
      const solver = await Solver.create({ ...kOptions, backend, signal: controller.signal })
      setTimeout(() => controller.abort(new Error('enough')), 200)
      const error = await solver.advance({ steps: 1000 }).catch((e: unknown) => e)
      expect(error).toMatchObject({ name: 'AbortError', cause: controller.signal.reason })
      expect([...liveWorkers.values()]).toEqual([])
      // The three workers completed three steps each before calor-worker-2 hung.
      expect(solver.step).toBe(3)
      await solver.close()
    })
  })

  it('a hung worker does not hang close(): the run rejects and every worker stops', async () => {
    await withFault('worker=1,step=2,kind=hang', async () => {
      const solver = await Solver.create({ ...kOptions, backend })
      const run = solver.advance({ steps: 1000 }).catch((e: unknown) => e)
      await new Promise((resolve) => setTimeout(resolve, 200))
      await solver.close()
      expect(await run).toMatchObject({ message: 'the solver was closed while a run was in progress' })
    })
  })

  it('a worker failing before its first step fails solve() the same way', async () => {
    const error = await withFault('worker=1,step=0,kind=exit', () =>
      expectWorkerError(solve({ ...kOptions, backend, steps: 5 })),
    )
    expect(error.message).toBe('calor-worker-1 (rows 1–21) failed at step 0: exited unexpectedly with code 7')
  })
})

it('a malformed CALOR_FAULT is refused by the workers, not ignored', async () => {
  const error = await withFault('worker=two', () => expectWorkerError(solve({ ...kOptions, steps: 5 })))
  expect(error.message).toMatch(
    /^calor-worker-\d \(rows \d+–\d+\) failed at step 0: CALOR_FAULT must look like "worker=2,step=5,kind=throw\|exit\|uncaught\|hang", got worker=two$/,
  )
})
