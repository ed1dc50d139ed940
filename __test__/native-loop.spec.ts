/**
 * The native many-step loop: temporal blocking must not change a bit, and an abort must leave the
 * Solver holding exactly the state of the last completed step (a worker failure inside a temporal
 * block says plainly that the field is lost).
 */
import { describe, expect, it } from 'vitest'

import { AbortError, type Backend, type SolveOptions, Solver, solve } from 'calor'

import { sameBits } from './helpers.js'

/** Neumann fluxes on three sides, Dirichlet on one, a source: every ghost kind blocking supports. */
const kProblem: SolveOptions = {
  grid: { nx: 41, ny: 67, lx: 1.2, ly: 2 },
  diffusivity: 0.8,
  initial: (x, y) => Math.exp(-20 * ((x - 0.4) ** 2 + (y - 1.3) ** 2)) + 0.1 * x,
  source: (x, y) => Math.sin(3 * x) * y,
  boundary: {
    left: { type: 'neumann', flux: 0.4 },
    right: { type: 'dirichlet', value: 0.25 },
    bottom: { type: 'neumann', flux: -0.3 },
    top: { type: 'neumann', flux: 0 },
  },
  steps: 61,
}

describe('temporal blocking', () => {
  const blockings = [1, 2, 3, 4, 7, 8] as const
  it.each([1, 2, 3, 4])('gives the plain-step bits for every depth on %i threads', async (threads) => {
    const reference = await solve({ ...kProblem, backend: 'js', threads: 1 })
    for (const temporalBlocking of blockings) {
      const blocked = await solve({ ...kProblem, backend: 'native', threads, temporalBlocking })
      expect(sameBits(blocked.field, reference.field), `k = ${temporalBlocking}`).toBe(true)
    }
  })

  // Rows of 4096 nodes: the wavefront advances 8 rows per level at each front (steppers/blocking.ts), fewer
  // than a band holds, so blocks meet partial tiles at both ends of every band and at the valleys.
  it.each([2, 3])('gives the plain-step bits with tiles shorter than the bands, on %i threads', async (threads) => {
    const wide: SolveOptions = { ...kProblem, grid: { nx: 4096, ny: 61, lx: 40, ly: 0.6 }, steps: 23 }
    const reference = await solve({ ...wide, backend: 'js', threads: 1 })
    for (const temporalBlocking of [2, 5, 9]) {
      const blocked = await solve({ ...wide, backend: 'native', threads, temporalBlocking })
      expect(sameBits(blocked.field, reference.field), `k = ${temporalBlocking}`).toBe(true)
    }
  })

  it('is refused outside 1…64', async () => {
    await expect(solve({ ...kProblem, temporalBlocking: 0 })).rejects.toThrow(
      "options.temporalBlocking must be 'auto' or an integer from 1 to 64, got 0",
    )
    await expect(solve({ ...kProblem, temporalBlocking: 2.5 })).rejects.toThrow(TypeError)
  })
})

/** Aborts a long advance once it is under way; resolves with the aborted solver. */
async function abortMidRun(options: SolveOptions): Promise<{ solver: Solver; error: unknown }> {
  const controller = new AbortController()
  const solver = await Solver.create(options)
  await solver.advance({ steps: 3 })
  const timer = setTimeout(() => controller.abort(new Error('stop now')), 150)
  const error = await solver.advance({ steps: 10_000_000, signal: controller.signal }).catch((e: unknown) => e)
  clearTimeout(timer)
  return { solver, error }
}

describe.each<Backend>(['native', 'js'])('abort on the %s backend', (backend) => {
  const options: SolveOptions = {
    grid: { nx: 257, ny: 255 },
    initial: (x, y) => Math.sin(7 * x) * Math.cos(5 * y),
    backend,
    threads: 2,
    temporalBlocking: 1,
  }

  it('keeps exactly the state of the last completed step', async () => {
    const { solver, error } = await abortMidRun(options)
    try {
      expect(error).toBeInstanceOf(AbortError)
      expect((error as AbortError).cause).toEqual(new Error('stop now'))
      expect(solver.step).toBeGreaterThan(3)
      const reference = await solve({ ...options, steps: solver.step })
      expect(sameBits(solver.field(), reference.field)).toBe(true)
      await solver.advance({ steps: 5 })
      const further = await solve({ ...options, steps: reference.steps + 5 })
      expect(sameBits(solver.field(), further.field)).toBe(true)
    } finally {
      await solver.close()
    }
  })
})

describe('abort during temporal blocking', () => {
  // An abort seen anywhere in a block ends the run once the block is complete: the field is always a
  // whole state, exactly that of the reported step, and the solver goes on from it.
  it.each([1, 2, 3])('keeps the exact state of the reported step on %i threads', async (threads) => {
    const options: SolveOptions = {
      grid: { nx: 129, ny: 1601 },
      threads,
      temporalBlocking: 8,
      initial: (x, y) => x * y,
      source: (x) => Math.sin(5 * x),
    }
    const { solver, error } = await abortMidRun(options)
    try {
      expect(error).toBeInstanceOf(AbortError)
      expect(solver.step).toBeGreaterThan(3)
      const reference = await solve({ ...options, steps: solver.step, temporalBlocking: 1, backend: 'js' })
      expect(sameBits(solver.field(), reference.field)).toBe(true)
      await solver.advance({ steps: 5 })
      const further = await solve({ ...options, steps: reference.steps + 5, temporalBlocking: 1, backend: 'js' })
      expect(sameBits(solver.field(), further.field)).toBe(true)
    } finally {
      await solver.close()
    }
  })
})

describe('a worker failure during temporal blocking', () => {
  it('reports the field lost rather than returning mixed time levels', async () => {
    process.env.CALOR_FAULT = 'worker=2,step=5,kind=throw'
    const solver = await Solver.create({
      grid: { nx: 65, ny: 65 },
      initial: (x, y) => x * y,
      threads: 2,
      temporalBlocking: 4,
    })
    delete process.env.CALOR_FAULT
    try {
      await expect(solver.advance({ steps: 50 })).rejects.toThrow('calor-worker-2')
      expect(() => solver.field()).toThrow('Solver.field(): the field was lost')
    } finally {
      await solver.close()
    }
  })
})
