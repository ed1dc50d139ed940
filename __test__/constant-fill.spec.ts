/**
 * A constant initial field is written by the workers, each its own band, in parallel and in place
 * (model/constant.ts); the main thread writes only the units outside the bands. The padded field a
 * solver starts from (halo included) and every step after it must have the bits of the same constant
 * given as a function, which the main thread evaluates over the whole grid: over both backends, several
 * thread counts, 2D and 3D, mirror, periodic and fixed sides, a variable diffusivity, and +0 and −0.
 */
import { describe, expect, it } from 'vitest'

import { Solver, type SolverOptions } from 'calor'

import { kBackends, sameBits } from './helpers.js'

const fixed = (value: number) => ({ type: 'dirichlet', value }) as const
const robin = (h: number, ambient: number) => ({ type: 'robin', h, ambient }) as const
const flux = (value: number) => ({ type: 'neumann', flux: value }) as const
const periodic = { type: 'periodic' } as const

const kCases: Record<string, SolverOptions> = {
  'fixed, Neumann and Robin sides': {
    grid: { nx: 37, ny: 29 },
    boundary: { left: fixed(2), right: flux(0.5), bottom: robin(3, 1), top: fixed(-1) },
  },
  'periodic columns, mirror rows': {
    grid: { nx: 36, ny: 30 },
    boundary: { left: periodic, right: periodic, bottom: flux(1), top: robin(2, 0) },
  },
  'a variable diffusivity': {
    grid: { nx: 33, ny: 31 },
    diffusivity: (x, y) => 1 + x * y,
    boundary: { left: robin(2, 3), right: fixed(1), bottom: fixed(0.5), top: flux(1) },
  },
  '3D, every kind of side': {
    grid: { nx: 14, ny: 12, nz: 13, lz: 1 },
    boundary: {
      ...{ left: fixed(2), right: flux(0.5), bottom: robin(1, -1), top: fixed(0.25) },
      ...{ back: robin(3, 1), front: fixed(-1) },
    },
  },
  'a side whose value is a function of t (filled on the main thread)': {
    grid: { nx: 30, ny: 26 },
    boundary: {
      left: { type: 'dirichlet', value: (_x, _y, t) => 1 + t },
      right: flux(0.5),
      bottom: fixed(0),
      top: fixed(1),
    },
  },
}

/** The padded field right after create, and the node field after 5 steps. */
async function startAndStep(options: SolverOptions): Promise<[Float64Array, Float64Array]> {
  const solver = await Solver.create(options)
  try {
    const start = solver.unitsView().field.slice()
    await solver.advance({ steps: 5 })
    return [start, solver.field()]
  } finally {
    await solver.close()
  }
}

describe('a constant initial field filled by the workers', () => {
  for (const [name, options] of Object.entries(kCases)) {
    it(`has the bits of the same constant evaluated on the main thread: ${name}`, async () => {
      const differences: string[] = []
      for (const backend of kBackends) {
        for (const threads of [1, 2, 3]) {
          for (const value of [1.5, 0, -0]) {
            const [start, stepped] = await startAndStep({ ...options, backend, threads, initial: value })
            const [startF, steppedF] = await startAndStep({ ...options, backend, threads, initial: () => value })
            if (!sameBits(start, startF)) differences.push(`${backend} ${threads} thr, ${value}: at the start`)
            if (!sameBits(stepped, steppedF)) differences.push(`${backend} ${threads} thr, ${value}: after 5 steps`)
            // Most node cells hold the constant (a run that filled nothing would hold zeros in both).
            if (value !== 0) expect(start.filter((v) => v === value).length).toBeGreaterThan(start.length / 4)
          }
        }
      }
      expect(differences).toEqual([])
    })
  }
})
