/**
 * options.flushSubnormals: every stored subnormal becomes +0, identically on both backends, any thread
 * count and any temporal blocking; without it the same run holds subnormals (so the test can fail).
 */
import { describe, expect, it } from 'vitest'

import { solve, type SolveOptions } from 'calor'

import { kMatrix, maxAbsDiff, sameBits } from './helpers.js'

const kMinNormal = 2.2250738585072014e-308
const subnormals = (field: Float64Array) => field.filter((v) => v !== 0 && Math.abs(v) < kMinNormal).length

// A field of order 1e-306 that decays through the subnormal range; an insulated side and a source keep
// every ghost kind and the source path in play.
const kProblem: SolveOptions = {
  grid: { nx: 23, ny: 37 },
  initial: (x, y) => 3e-306 * Math.sin(Math.PI * x) * Math.sin(Math.PI * y),
  source: (x) => (x < 0.1 ? 1e-309 : 0),
  boundary: {
    left: { type: 'neumann', flux: 0 },
    right: { type: 'dirichlet', value: 0 },
    bottom: { type: 'neumann', flux: 0 },
    top: { type: 'dirichlet', value: 0 },
  },
  steps: 1500,
}

describe('flushSubnormals', () => {
  it('leaves subnormals in the field when off (the run does reach them)', async () => {
    const plain = await solve({ ...kProblem, backend: 'js', threads: 1 })
    expect(subnormals(plain.field)).toBeGreaterThan(50)
  })

  it('stores none, and gives the same bits on every backend, thread count and blocking', async () => {
    const reference = await solve({ ...kProblem, flushSubnormals: true, backend: 'js', threads: 1 })
    expect(subnormals(reference.field)).toBe(0)
    expect(reference.field.some((v) => v === 0)).toBe(true)
    const plain = await solve({ ...kProblem, backend: 'js', threads: 1 })
    // Flushing changes values only by amounts of the subnormal scale.
    expect(maxAbsDiff(reference.field, plain.field)).toBeLessThan(1e-300)
    expect(sameBits(reference.field, plain.field)).toBe(false)
    for (const { backend, threads } of kMatrix) {
      const blockings = backend === 'native' ? [1, 4] : [1]
      for (const temporalBlocking of blockings) {
        const run = await solve({ ...kProblem, flushSubnormals: true, backend, threads, temporalBlocking })
        expect(sameBits(run.field, reference.field), `${backend} ${threads} threads k ${temporalBlocking}`).toBe(true)
      }
    }
  })

  it('flushes on the variable-α path too (faces, a Robin side, a separable source): same bits everywhere', async () => {
    const varying: SolveOptions = {
      ...kProblem,
      diffusivity: (x, y) => 1 + x + 0.5 * y,
      source: { shape: (x: number) => (x < 0.1 ? 1e-309 : 0), scale: (t: number) => 1 + t },
      boundary: { ...(kProblem.boundary as object), bottom: { type: 'robin', h: 0.5, ambient: 0 } },
    }
    const plain = await solve({ ...varying, backend: 'js', threads: 1 })
    expect(subnormals(plain.field)).toBeGreaterThan(50)
    const reference = await solve({ ...varying, flushSubnormals: true, backend: 'js', threads: 1 })
    expect(subnormals(reference.field)).toBe(0)
    for (const { backend, threads } of kMatrix) {
      for (const temporalBlocking of backend === 'native' ? [1, 4] : [1]) {
        const run = await solve({ ...varying, flushSubnormals: true, backend, threads, temporalBlocking })
        expect(sameBits(run.field, reference.field), `${backend} ${threads} threads k ${temporalBlocking}`).toBe(true)
      }
    }
  })

  it('is refused unless true or false', async () => {
    await expect(solve({ ...kProblem, flushSubnormals: 1 as unknown as boolean })).rejects.toThrow(
      'options.flushSubnormals must be true or false, got 1',
    )
  })
})
