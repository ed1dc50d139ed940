/**
 * Bad input, exhaustively: property-based tests over the whole options object (the CLI flags are
 * covered with the CLI). Every invalid value must be refused with a TypeError or RangeError naming
 * the option; every accepted value must give a problem the native kernel accepts, with finite
 * coefficients and sizes that fit in memory. Hostile objects (throwing getters, revoked Proxies,
 * Proxies that change their answer) are read once and refused by name.
 */
import os from 'node:os'

import fc from 'fast-check'
import { beforeAll, describe, expect, it, vi } from 'vitest'

import { type SolveOptions, solve } from 'calor'

import { StencilKernel } from '../crate/index.js'
import { makeGrid } from '../dist/model/grid.js'
import { checkMemory, kMaxSteps, kMaxThreads, memoryNeeds } from '../dist/options/limits.js'
import type { Problem } from '../dist/options/problem.js'
import { validateOptions } from '../dist/options/validate.js'
import { ftcs } from '../dist/steppers/ftcs.js'

const kBase: SolveOptions = { grid: { nx: 9, ny: 7 }, steps: 3 }

// Pretend 64 MB are free: grids beyond a few million nodes are then refused (as they would be on a
// small machine), which keeps the properties fast and exercises the memory check often.
beforeAll(() => {
  vi.spyOn(os, 'freemem').mockReturnValue(64e6)
})

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {})
  revoke()
  return proxy
}

/** Values that are wrong in every way we could think of, plus anything fast-check makes up. */
const hostileArb = fc.oneof(
  fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withTypedArray: true,
    withSparseArray: true,
    withObjectString: true,
  }),
  fc.constantFrom(
    Number.NaN,
    Infinity,
    -Infinity,
    -0,
    0,
    -1,
    0.5,
    3,
    2 ** 31,
    2 ** 32,
    2 ** 53,
    1e308,
    5e-324,
    Number.MAX_VALUE,
    '',
    '3',
    'native',
    null,
    undefined,
    true,
    Symbol('x'),
    10n,
  ),
  fc.integer(),
  fc.double(),
  fc.func(fc.anything()),
  // Made inside the property by `materialize`: fast-check itself cannot handle a revoked Proxy.
  fc.constantFrom('getter', 'revoked', 'changing', 'array').map((kind) => new Special(kind)),
)

class Special {
  constructor(readonly kind: string) {}
}

/** Turns a Special marker into the hostile object it stands for. */
function materialize(value: unknown): unknown {
  if (!(value instanceof Special)) return value
  if (value.kind === 'revoked') return revokedProxy()
  if (value.kind === 'array') return [1, 2, 3]
  let reads = 0
  return Object.defineProperty({}, 'nx', {
    enumerable: true,
    get() {
      if (value.kind === 'getter') throw new Error('boom')
      return reads++ === 0 ? 9 : 'changed'
    },
  })
}

/** The invariants of an accepted problem: nothing unusable reaches the workers or the native kernel. */
function checkProblem(problem: Problem): void {
  const { grid, threads, dt, dtLimit, initial, source } = problem
  expect(Number.isInteger(threads) && threads >= 1 && threads <= kMaxThreads).toBe(true)
  expect(dt > 0 && Number.isFinite(dt) && dt <= dtLimit * (1 + 1e-12)).toBe(true)
  expect(initial.length).toBe((grid.nx + 2) * (grid.ny + 2))
  expect(initial.every(Number.isFinite)).toBe(true)
  if (source !== null) expect(source.every(Number.isFinite)).toBe(true)
  if (problem.steps !== undefined) expect(problem.steps).toBeLessThanOrEqual(kMaxSteps)
  const spec = ftcs.stencil(problem, dt)
  const { left, right, ...scalars } = spec
  expect([...Object.values(scalars), left.a, left.b, left.c, right.a, right.b, right.c].every(Number.isFinite)).toBe(
    true,
  )
  expect(() => new StencilKernel(spec)).not.toThrow()
}

/** Validates; returns the problem, or checks that the error names `name` and returns undefined. */
function validateOrName(options: unknown, name: string): Problem | undefined {
  let problem: Problem
  try {
    problem = validateOptions(options as SolveOptions, true)
  } catch (error) {
    expect(error instanceof TypeError || error instanceof RangeError, String(error)).toBe(true)
    expect((error as Error).message).toContain(name)
    return undefined
  }
  checkProblem(problem)
  return problem
}

const kTopKeys = ['grid', 'diffusivity', 'initial', 'source', 'boundary', 'steps', 'tEnd', 'dt', 'threads', 'backend']
const kPaths: [string, (value: unknown) => unknown][] = [
  ...kTopKeys.map((key): [string, (value: unknown) => unknown] => [`options.${key}`, (v) => ({ ...kBase, [key]: v })]),
  ['options.signal', (v) => ({ ...kBase, signal: v })],
  ['options.onProgress', (v) => ({ ...kBase, onProgress: v })],
  ...['nx', 'ny', 'lx', 'ly'].map((key): [string, (value: unknown) => unknown] => [
    `options.grid`,
    (v) => ({ ...kBase, grid: { nx: 9, ny: 7, [key]: v } }),
  ]),
  ['options.boundary', (v) => ({ ...kBase, boundary: { type: v } })],
  ['options.boundary', (v) => ({ ...kBase, boundary: { type: 'dirichlet', value: v } })],
  ['options.boundary', (v) => ({ ...kBase, boundary: { type: 'neumann', flux: v } })],
  ['options.boundary', (v) => ({ ...kBase, boundary: { left: v, right: v, bottom: v, top: v } })],
  ['options', (v) => v],
]

describe('every option, every bad value', () => {
  it.each(kPaths.map(([name, make], k) => [k, name, make] as const))(
    'case %i: a bad value of %s is refused by name, or accepted and sound',
    (_, name, make) => {
      fc.assert(
        fc.property(hostileArb, (value) => {
          validateOrName(make(materialize(value)), name)
        }),
        { numRuns: 300 },
      )
    },
  )

  it('numbers across the whole double range give sound problems or named refusals', () => {
    const number = fc.oneof(fc.double(), fc.integer({ min: -5, max: 5000 }))
    fc.assert(
      fc.property(
        fc.record({ nx: number, ny: number, lx: number, ly: number }),
        fc.record({ diffusivity: number, dt: number, flux: number, value: number, threads: number }),
        fc.oneof(fc.record({ steps: number }), fc.record({ tEnd: number })),
        (grid, o, duration) => {
          const boundary = { left: { type: 'neumann', flux: o.flux }, right: { type: 'dirichlet', value: o.value } }
          const options = { grid, diffusivity: o.diffusivity, dt: o.dt, threads: o.threads, ...duration }
          validateOrName(
            { ...options, boundary: { ...boundary, bottom: boundary.left, top: boundary.right } },
            'options',
          )
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('solve() never throws synchronously: bad options reject its promise', async () => {
    await fc.assert(
      fc.asyncProperty(hostileArb, async (value) => {
        let promise: Promise<unknown> | undefined
        expect(() => (promise = solve(materialize(value) as SolveOptions))).not.toThrow()
        const error = await (promise as Promise<unknown>).then(
          () => expect.fail('resolved'),
          (e: unknown) => e,
        )
        expect(error instanceof TypeError || error instanceof RangeError).toBe(true)
        expect((error as Error).message).toMatch(/^(Unknown option )?options/)
      }),
      { numRuns: 300 },
    )
  })
})

describe('hostile objects are read once and refused by name', () => {
  const refuse = (options: unknown, message: string | RegExp) =>
    expect(() => validateOptions(options as SolveOptions, true)).toThrow(message)

  it.each(kTopKeys)('a getter that throws on options.%s', (key) => {
    const options = Object.defineProperty({ ...kBase }, key, {
      enumerable: true,
      get() {
        throw new Error('boom')
      },
    })
    refuse(options, `options.${key} could not be read: boom`)
  })

  it('a revoked Proxy as the options, or as the grid', () => {
    refuse(revokedProxy(), "options could not be read: Cannot perform 'IsArray' on a proxy that has been revoked")
    refuse({ ...kBase, grid: revokedProxy() }, /^options\.grid could not be read: /)
  })

  it('a Proxy grid whose ny cannot be read', () => {
    const grid = new Proxy({ nx: 9, ny: 7 }, { get: (t, k) => (k === 'ny' ? expect.fail('') : t[k as 'nx']) })
    refuse({ ...kBase, grid }, /^options\.grid\.ny could not be read: /)
  })

  it('a getter that answers differently on each read is read exactly once', () => {
    let reads = 0
    const grid = Object.defineProperty({ ny: 7 }, 'nx', { enumerable: true, get: () => (reads++ === 0 ? 9 : -1) })
    expect(validateOptions({ ...kBase, grid }, true).grid.nx).toBe(9)
    expect(reads).toBe(1)
  })

  it('an initial function that throws names the option and the point', () => {
    const inner = new Error('inner')
    const initial = (x: number) => {
      if (x > 0.5) throw inner
      return 1
    }
    let error: unknown
    try {
      validateOptions({ ...kBase, initial }, true)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(TypeError)
    expect((error as Error).message).toBe('options.initial(x, y) threw at x = 0.625, y = 0: inner')
    expect((error as Error).cause).toBe(inner)
  })

  it('a Proxy of a Float64Array, and an array whose elements cannot be read', () => {
    refuse(
      { ...kBase, initial: new Proxy(new Float64Array(63), {}) },
      'options.initial must be a number, a function (x, y) => number, or a Float64Array, got a Proxy',
    )
    const array = new Proxy(new Array(63).fill(0), { get: (t, k) => (k === '40' ? expect.fail('') : t[k as never]) })
    refuse({ ...kBase, source: array }, /^options\.source\[40\] could not be read: /)
  })

  it('a sparse array of huge length is refused without walking it', () => {
    const huge: number[] = []
    huge.length = 2 ** 32 - 1
    refuse(
      { ...kBase, initial: huge },
      'options.initial must be of length nx*ny = 63, got an array of length 4294967295',
    )
  })
})

describe('limits', () => {
  it.each([
    [{ steps: 5n }, TypeError, 'options.steps must be an integer >= 0, got 5n (a bigint)'],
    [
      { steps: Symbol('s'), tEnd: 1 },
      TypeError,
      'options.steps and options.tEnd are exclusive: give one, got steps Symbol(s) and tEnd 1',
    ],
    [{ threads: 1e9 }, RangeError, 'options.threads must be at most 256, got 1000000000'],
    [{ steps: 2 ** 53 }, RangeError, 'options.steps must be at most 9007199254740991, got 9007199254740992'],
    [
      { steps: undefined, tEnd: 1e300 },
      RangeError,
      /^options\.tEnd \(1e\+300\) needs more than 9007199254740991 steps of at most dt = /,
    ],
    [
      { grid: { nx: 9, ny: 7, lx: 1e-320 } },
      RangeError,
      /^options\.grid \(dx 1\.25e-321, dy 0\.1666\d*\) and options\.diffusivity \(1\) give no usable time step: the stability limit 1\/\(2α\(1\/dx² \+ 1\/dy²\)\) is 0$/,
    ],
    [
      { diffusivity: 1e-320 },
      RangeError,
      /^options\.grid .* give no usable time step: the stability limit .* is Infinity$/,
    ],
    [
      { boundary: { type: 'neumann', flux: 1e308 }, diffusivity: 1e-10 },
      RangeError,
      'options.boundary.left.flux (1e+308) is too large: the ghost offset 2·h·q/α = Infinity is not finite',
    ],
  ] as const)('%o', (change, type, message) => {
    expect(() => validateOptions({ ...kBase, ...change } as SolveOptions, true)).toThrow(type)
    expect(() => validateOptions({ ...kBase, ...change } as SolveOptions, true)).toThrow(message)
  })

  it('a grid too large for memory is refused before allocation, with the bytes needed and available', async () => {
    const grid = { nx: 100_000, ny: 100_000 }
    await expect(solve({ grid, steps: 1 })).rejects.toThrow(
      /^options\.grid \(nx 100000 × ny 100000\) needs 240 GB for two fields and a copy of the field; [\d.]+ [kMGT]?B is available$/,
    )
    await expect(solve({ grid, steps: 1, source: 1 })).rejects.toThrow(
      /^options\.grid \(nx 100000 × ny 100000\) needs 320 GB for two fields, a source and a copy of the field; [\d.]+ [kMGT]?B is available$/,
    )
    const sides = [false, false] as const
    expect(() =>
      checkMemory(makeGrid(100_000, 100_000, 1, 1, ...sides), { source: false, copies: 1, frameBytes: 0 }, 22e9),
    ).toThrow(
      'options.grid (nx 100000 × ny 100000) needs 240 GB for two fields and a copy of the field; 22 GB is available',
    )
    expect(() =>
      checkMemory(makeGrid(1000, 1000, 1, 1, ...sides), { source: true, copies: 2, frameBytes: 0 }, 1e6),
    ).toThrow(
      'options.grid (nx 1000 × ny 1000) needs 40.1 MB for two fields, a source and 2 copies of the field; 1 MB is available',
    )
    // Frames in flight count too: each a copy of the field, its RGB image and its PNG (scale 2: 4 pixels a node).
    const grid1000 = makeGrid(1000, 1000, 1, 1, ...sides)
    expect(memoryNeeds(grid1000, { initial: [], resume: 'r.ckpt' }, { scale: 2 })).toEqual({
      source: false,
      copies: 4,
      frameBytes: 2 * (8e6 + 24e6),
      faces: false,
    })
    // A variable α: its nodal values and four padded face arrays.
    expect(() =>
      checkMemory(grid1000, memoryNeeds(grid1000, { diffusivity: (x: number) => 1 + x }, undefined), 1e6),
    ).toThrow(
      'options.grid (nx 1000 × ny 1000) needs 64.2 MB for two fields, a variable diffusivity and its faces and a copy of the field; 1 MB is available',
    )
    expect(() => checkMemory(grid1000, memoryNeeds(grid1000, {}, { scale: 1 }), 1e6)).toThrow(
      'options.grid (nx 1000 × ny 1000) needs 52.1 MB for two fields, a copy of the field and the frames being encoded; 1 MB is available',
    )
    expect(() =>
      checkMemory(makeGrid(70_000, 70_000, 1, 1, ...sides), { source: false, copies: 1, frameBytes: 0 }, 1e15),
    ).toThrow(
      'options.grid (nx 70000 × ny 70000) needs 4900280004 values per padded field; a typed array holds at most 4294967296',
    )
  })
})
