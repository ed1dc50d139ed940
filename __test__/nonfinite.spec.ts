/**
 * A field that becomes non-finite (overflow to ±Infinity, or NaN) must end the run with an error
 * naming the step and the first bad node, not return garbage.
 * The kernels report non-finite rows; the barrier stops every worker at that step.
 */
import { describe, expect, it } from 'vitest'

import { NonFiniteError, solve } from 'calor'

import { sameBits } from './helpers.js'

describe.each(['native', 'js'] as const)('a field that overflows (%s backend)', (backend) => {
  it('rejects with the step and the first non-finite node', async () => {
    const [nx, ny] = [17, 17]
    // α = 1e-4 on a unit square allows dt ≈ 8.8, so dt·f overflows to Infinity at node (5, 3) in step 1.
    const source = new Float64Array(nx * ny)
    source[3 * nx + 5] = Number.MAX_VALUE
    const run = solve({ grid: { nx, ny }, diffusivity: 1e-4, source, steps: 1, threads: 2, backend })
    const error = await run.then(
      (result) => expect.fail(`it resolved; field[3·nx + 5] = ${result.field[3 * nx + 5]}`),
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(NonFiniteError)
    expect((error as Error).message).toBe('the field became non-finite at step 1: node (5, 3) is Infinity')
    expect([(error as NonFiniteError).step, (error as NonFiniteError).node]).toEqual([1, [5, 3]])
  })
})

describe('a field that overflows after a few steps', () => {
  it('stops every worker at the first bad step, the same on every backend and thread count', async () => {
    // One node heats by dt·f per step until the stencil's intermediate 2u overflows, a few steps in.
    const [nx, ny] = [33, 41]
    const source = new Float64Array(nx * ny)
    source[30 * nx + 7] = Number.MAX_VALUE / 5
    const options = { grid: { nx, ny }, diffusivity: 1e-6, source, dt: 1 } as const
    const errors: NonFiniteError[] = []
    for (const backend of ['native', 'js'] as const) {
      for (const threads of [1, 2, 3]) {
        errors.push(
          (await solve({ ...options, steps: 50, backend, threads }).catch((e: unknown) => e)) as NonFiniteError,
        )
      }
    }
    const first = errors[0]
    expect(first).toBeInstanceOf(NonFiniteError)
    expect(first.step).toBeGreaterThan(1)
    for (const e of errors) expect([e.message, e.step, e.node]).toEqual([first.message, first.step, first.node])
    expect(first.message).toMatch(/^the field became non-finite at step \d+: node \(7, 30\) is -Infinity$/)
    // The step before is entirely finite: the run stopped at the first bad one.
    const before = await solve({ ...options, steps: first.step - 1 })
    expect(before.field.every(Number.isFinite)).toBe(true)
  })
})

describe('a field whose last step of a native call overflows', () => {
  // Insulated and heated: 2u in w − 2u + e overflows to −Infinity at step 1 (8.99e307, the last step
  // of the native loop's first call) or a step later (8.98e307).
  const kCases = [1, 2, 3].flatMap((threads) => [8.99e307, 8.98e307].map((initial) => ({ threads, initial })))

  it.each(kCases)(
    'is reported at the same step and node value on both backends ($threads threads, u0 $initial)',
    async ({ threads, initial }) => {
      const options = { grid: { nx: 9, ny: 9 }, boundary: { type: 'neumann' }, initial, source: 1e308 } as const
      const run = (backend: 'native' | 'js') =>
        solve({ ...options, steps: 50, threads, backend, temporalBlocking: 1 }).catch(
          (e: unknown) => e as NonFiniteError,
        )
      const [native, js] = [await run('native'), await run('js')]
      expect(js).toBeInstanceOf(NonFiniteError)
      expect([native.message, native.step, native.node]).toEqual([js.message, js.step, js.node])
      const before = await solve({ ...options, steps: js.step - 1, backend: 'native', threads })
      expect(before.field.every(Number.isFinite)).toBe(true)
    },
  )
})

describe('a field that overflows inside a temporal block', () => {
  // The same overflow as above, a few steps in; a native block of 2, 4 or 8 steps holds it mid-block.
  const kCases = [1, 2, 3].flatMap((threads) => [2, 4, 8].map((temporalBlocking) => ({ threads, temporalBlocking })))

  it.each(kCases)(
    'names the exact first bad step ($threads threads, blocks of $temporalBlocking)',
    async ({ threads, temporalBlocking }) => {
      const options = {
        grid: { nx: 9, ny: 49 },
        boundary: { type: 'neumann' },
        initial: 8.98e307,
        source: 1e308,
      } as const
      const js = (await solve({ ...options, steps: 50, backend: 'js', threads }).catch(
        (e: unknown) => e,
      )) as NonFiniteError
      const native = (await solve({ ...options, steps: 50, backend: 'native', threads, temporalBlocking }).catch(
        (e: unknown) => e,
      )) as NonFiniteError
      expect(js).toBeInstanceOf(NonFiniteError)
      expect(native).toBeInstanceOf(NonFiniteError)
      expect(js.step).toBeGreaterThan(1)
      expect(native.step).toBe(js.step)
      const blockEnd = Math.ceil(js.step / temporalBlocking) * temporalBlocking
      if (blockEnd === js.step) expect([native.message, native.node]).toEqual([js.message, js.node])
      else
        expect(native.message).toMatch(
          new RegExp(
            `^the field became non-finite at step ${js.step}: at step ${blockEnd}, the end of its temporal block, node \\(\\d+, \\d+\\) is (NaN|-?Infinity) \\(temporalBlocking: 1 names the first bad node at step ${js.step} and its value\\)$`,
          ),
        )
    },
  )
})

describe('a field of huge finite values', () => {
  // Every node at 5e307 (2u stays finite) with a gentle wave on it: the row sums the native kernels keep
  // for their finite check overflow, and the run must still go on, checking each value instead, with the
  // bits of the js kernel. The 2D rows, a variable α and the 3D planes each have their own sweep.
  const wave = (x: number, y: number) => 5e307 * (1 - 0.1 * Math.sin(Math.PI * x) * Math.sin(Math.PI * y))
  const kShapes = [
    { name: '2D', grid: { nx: 40, ny: 33 }, initial: wave },
    { name: '2D, variable α', grid: { nx: 40, ny: 33 }, initial: wave, diffusivity: (x: number) => 1 + x },
    { name: '3D', grid: { nx: 20, ny: 9, nz: 7, lx: 1, ly: 1, lz: 1 }, initial: (x: number, y: number) => wave(x, y) },
  ]

  it.each(kShapes)('is not taken for an overflow ($name)', async ({ name, ...shape }) => {
    const options = { ...shape, boundary: { type: 'dirichlet', value: 5e307 }, steps: 24 } as const
    const js = await solve({ ...options, backend: 'js', threads: 1 })
    expect(js.field.every(Number.isFinite), name).toBe(true)
    expect(
      js.field.some((v) => v < 4.9e307),
      'the wave is still there',
    ).toBe(true)
    for (const [threads, temporalBlocking] of [
      [1, 1],
      [2, 4],
      [3, 'auto'],
    ] as const) {
      const native = await solve({ ...options, backend: 'native', threads, temporalBlocking })
      expect(sameBits(native.field, js.field), `${threads} threads, blocks of ${temporalBlocking}`).toBe(true)
    }
  })
})
