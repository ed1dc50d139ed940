/**
 * Abort at any moment: before the workers start, while they start, during a run and between
 * advances. Each rejects with an AbortError whose cause is the signal's reason, leaves no worker
 * running, and (for a Solver) leaves the field of the last step every worker completed.
 */
import { afterEach, describe, expect, it } from 'vitest'

import { AbortError, type SolveOptions, solve, Solver } from 'calor'

import { sameBits } from './helpers.js'
import { liveWorkers } from './live-workers.js'

const kOptions = {
  grid: { nx: 129, ny: 129 },
  initial: (x: number, y: number) => Math.sin(Math.PI * x) * Math.sin(Math.PI * y),
  threads: 2,
} satisfies SolveOptions

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('it resolved'),
    (e: unknown) => e,
  )
}

function expectAbortError(error: unknown, signal: AbortSignal): void {
  expect(error).toBeInstanceOf(AbortError)
  expect(error).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', message: 'The solve was aborted' })
  expect((error as AbortError).cause).toBe(signal.reason)
}

afterEach(() => {
  expect([...liveWorkers.values()]).toEqual([])
})

describe.each(['native', 'js'] as const)('abort (%s backend)', (backend) => {
  it('before start: rejects at once and starts no worker', async () => {
    const reason = new Error('not today')
    const signal = AbortSignal.abort(reason)
    const error = await rejection(solve({ ...kOptions, backend, steps: 10, signal }))
    expectAbortError(error, signal)
    expect((error as AbortError).cause).toBe(reason)
    expectAbortError(await rejection(Solver.create({ ...kOptions, backend, signal })), signal)
  })

  it('while the workers start: rejects once they are gone', async () => {
    const controller = new AbortController()
    const run = rejection(solve({ ...kOptions, backend, steps: 1e6, signal: controller.signal }))
    await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort('stop')
    expectAbortError(await run, controller.signal)
    expect(controller.signal.reason).toBe('stop')
  })

  it('during a long run on a large grid: rejects within a step, every worker gone', async () => {
    const controller = new AbortController()
    const options = { ...kOptions, grid: { nx: 1025, ny: 1025 }, backend, signal: controller.signal }
    const solver = await Solver.create(options)
    const run = rejection(solver.advance({ steps: 1e6 }))
    await new Promise((resolve) => setTimeout(resolve, 50))
    const aborted = performance.now()
    controller.abort()
    const error = await run
    const latency = performance.now() - aborted
    expectAbortError(error, controller.signal)
    expect(controller.signal.reason).toBeInstanceOf(DOMException)
    expect([...liveWorkers.values()]).toEqual([])
    // A sanity bound only: speed is not asserted here. The measured latency is printed for the docs.
    expect(latency).toBeLessThan(2000)
    console.info(`abort latency (${backend}, 1025 × 1025, 2 workers): ${latency.toFixed(1)} ms at step ${solver.step}`)
    await solver.close()
  })

  it('during a run: the field is that of the last step all workers completed', async () => {
    const controller = new AbortController()
    const solver = await Solver.create({ ...kOptions, backend, signal: controller.signal })
    const run = rejection(solver.advance({ steps: 1e6 }))
    await new Promise((resolve) => setTimeout(resolve, 100))
    controller.abort()
    expectAbortError(await run, controller.signal)
    const [field, steps] = [solver.field(), solver.step]
    await solver.close()
    expect(steps).toBeGreaterThan(0)
    const reference = await solve({ ...kOptions, backend, steps })
    expect(sameBits(field, reference.field)).toBe(true)
  })

  it('between advances: the next advance rejects, the field stays, the workers are gone', async () => {
    const controller = new AbortController()
    const solver = await Solver.create({ ...kOptions, backend, signal: controller.signal })
    await solver.advance({ steps: 7 })
    const before = solver.field()
    controller.abort(new Error('between'))
    expectAbortError(await rejection(solver.advance({ steps: 5 })), controller.signal)
    expectAbortError(await rejection(solver.advance({ tEnd: 1 })), controller.signal)
    expect([...liveWorkers.values()]).toEqual([])
    expect(solver.step).toBe(7)
    expect(sameBits(solver.field(), before)).toBe(true)
    await solver.close()
  })
})

it('an abort that fires after the last step does not disturb the result', async () => {
  const controller = new AbortController()
  const result = await solve({
    ...kOptions,
    steps: 5,
    signal: controller.signal,
    onProgress: ({ step, steps }) => {
      if (step === steps) controller.abort()
    },
  })
  expect(result.steps).toBe(5)
})
