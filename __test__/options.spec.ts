/**
 * Every bad input is refused before anything runs, with a message that names the option, what was
 * expected and what was given: asserted word for word, with the error's class.
 */
import { describe, expect, it } from 'vitest'

import { type SolveOptions, Solver, StabilityError, solve } from 'calor'

/** A valid problem: 5 × 4 nodes on the unit square, so dx = 1/4 and dy = 1/3. */
const kBase: SolveOptions = { grid: { nx: 5, ny: 4 }, steps: 1, threads: 1 }

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(error instanceof Error)) throw new Error(`expected a rejection with an Error, got ${String(error)}`)
  return error
}

const neumann = { type: 'neumann' } as const
const sides = (overrides: Record<string, unknown>) => ({
  left: neumann,
  right: neumann,
  bottom: neumann,
  top: neumann,
  ...overrides,
})
const withNaNAt = (k: number) => Array.from({ length: 20 }, (_, n) => (n === k ? Number.NaN : 1))

// [what, options merged over kBase, exact message]; every one of these is a TypeError.
const kTypeErrors: [string, Record<string, unknown>, string][] = [
  ['non-integer nx', { grid: { nx: 2.5, ny: 4 } }, 'options.grid.nx must be an integer >= 3, got 2.5'],
  ['too few nodes', { grid: { nx: 2, ny: 4 } }, 'options.grid.nx must be an integer >= 3, got 2'],
  ['ny as a string', { grid: { nx: 5, ny: '5' } }, 'options.grid.ny must be an integer >= 3, got "5"'],
  ['ny Infinity', { grid: { nx: 5, ny: Infinity } }, 'options.grid.ny must be an integer >= 3, got Infinity'],
  ['zero extent', { grid: { nx: 5, ny: 4, lx: 0 } }, 'options.grid.lx must be a positive finite number, got 0'],
  ['negative extent', { grid: { nx: 5, ny: 4, ly: -2 } }, 'options.grid.ly must be a positive finite number, got -2'],
  [
    'infinite extent',
    { grid: { nx: 5, ny: 4, ly: Infinity } },
    'options.grid.ly must be a positive finite number, got Infinity',
  ],
  ['NaN extent', { grid: { nx: 5, ny: 4, lx: NaN } }, 'options.grid.lx must be a positive finite number, got NaN'],
  ['no grid', { grid: undefined }, 'options.grid must be an object { nx, ny, lx?, ly? }, got undefined'],
  ['zero diffusivity', { diffusivity: 0 }, 'options.diffusivity must be a positive finite number, got 0'],
  ['negative diffusivity', { diffusivity: -1 }, 'options.diffusivity must be a positive finite number, got -1'],
  ['NaN diffusivity', { diffusivity: NaN }, 'options.diffusivity must be a positive finite number, got NaN'],
  [
    'infinite diffusivity',
    { diffusivity: Infinity },
    'options.diffusivity must be a positive finite number, got Infinity',
  ],
  [
    'initial function returning NaN',
    { initial: (x: number, y: number) => (x > 0.4 && y > 0.3 ? NaN : 0) },
    'options.initial(x, y) must return a finite number, got NaN at node (2, 1), x = 0.5, y = 0.3333333333333333',
  ],
  [
    'initial function returning a string',
    { initial: () => '1' },
    'options.initial(x, y) must return a finite number, got "1" at node (0, 0), x = 0, y = 0',
  ],
  [
    'Infinity inside an initial Float64Array',
    { initial: Object.assign(new Float64Array(20), { 7: Infinity }) },
    'options.initial[7] (node (2, 1)) must be a finite number, got Infinity',
  ],
  [
    'NaN inside an initial array',
    { initial: withNaNAt(13) },
    'options.initial[13] (node (3, 2)) must be a finite number, got NaN',
  ],
  [
    'initial array of the wrong length',
    { initial: new Float64Array(19) },
    'options.initial must be of length nx*ny = 20, got a Float64Array of length 19',
  ],
  [
    'initial list too long',
    { initial: Array(21).fill(0) },
    'options.initial must be of length nx*ny = 20, got an array of length 21',
  ],
  [
    'initial of another type',
    { initial: 'hot' },
    'options.initial must be a number, a function (x, y) => number, or a Float64Array or array of nx*ny values, got "hot"',
  ],
  ['NaN initial', { initial: NaN }, 'options.initial must be a finite number, got NaN'],
  ['infinite source', { source: -Infinity }, 'options.source must be a finite number, got -Infinity'],
  [
    'source function returning nothing',
    { source: () => undefined },
    'options.source(x, y) must return a finite number, got undefined at node (0, 0), x = 0, y = 0',
  ],
  [
    'NaN Dirichlet value',
    { boundary: { type: 'dirichlet', value: NaN } },
    'options.boundary.value must be a finite number or a function (x, y, t), got NaN',
  ],
  [
    'infinite flux on one side',
    { boundary: sides({ left: { type: 'neumann', flux: Infinity } }) },
    'options.boundary.left.flux must be a finite number or a function (x, y, t), got Infinity',
  ],
  [
    'unknown boundary type',
    { boundary: { type: 'mixed' } },
    `options.boundary.type must be one of 'dirichlet', 'neumann', 'robin', 'periodic', got "mixed"`,
  ],
  [
    'boundary type with the wrong case on one side',
    { boundary: sides({ right: { type: 'Neumann' } }) },
    `options.boundary.right.type must be one of 'dirichlet', 'neumann', 'robin', 'periodic', got "Neumann"`,
  ],
  [
    'periodic on the left only',
    { boundary: sides({ left: { type: 'periodic' }, right: { type: 'dirichlet' } }) },
    'options.boundary: left and right must both be periodic or neither, got periodic and dirichlet',
  ],
  [
    'periodic on the top only',
    { boundary: sides({ top: { type: 'periodic' } }) },
    'options.boundary: bottom and top must both be periodic or neither, got neumann and periodic',
  ],
  [
    'a side missing',
    { boundary: { left: neumann, right: neumann, bottom: neumann } },
    `options.boundary.top must be an object such as { type: 'dirichlet', value: 0 }, got undefined`,
  ],
  [
    'boundary as a string',
    { boundary: 'dirichlet' },
    'options.boundary must be a side condition or { left, right, bottom, top }, got "dirichlet"',
  ],
  ['zero dt', { dt: 0 }, 'options.dt must be a positive finite number, got 0'],
  [
    'both steps and tEnd',
    { tEnd: 0.5 },
    'options.steps and options.tEnd are exclusive: give one, got steps 1 and tEnd 0.5',
  ],
  [
    'neither steps nor tEnd',
    { steps: undefined },
    'options.steps or options.tEnd is required: give how many steps to take, or the final time',
  ],
  ['fractional steps', { steps: 1.5 }, 'options.steps must be an integer >= 0, got 1.5'],
  ['negative steps', { steps: -1 }, 'options.steps must be an integer >= 0, got -1'],
  ['zero tEnd', { steps: undefined, tEnd: 0 }, 'options.tEnd must be a positive finite number, got 0'],
  [
    'infinite tEnd',
    { steps: undefined, tEnd: Infinity },
    'options.tEnd must be a positive finite number, got Infinity',
  ],
  ['zero threads', { threads: 0 }, 'options.threads must be an integer >= 1, got 0'],
  ['fractional threads', { threads: 1.5 }, 'options.threads must be an integer >= 1, got 1.5'],
  ['unknown backend', { backend: 'gpu' }, `options.backend must be 'native' or 'js', got "gpu"`],
  ['a signal that is not an AbortSignal', { signal: {} }, 'options.signal must be an AbortSignal, got an object'],
  ['onProgress not a function', { onProgress: 'log' }, 'options.onProgress must be a function, got "log"'],
  [
    'unknown top-level option',
    { thread: 2 },
    'Unknown option options.thread; expected one of grid, diffusivity, initial, source, boundary, steps, tEnd, dt, threads, backend, temporalBlocking, flushSubnormals, signal, onProgress, frames, probes, vtk, method, checkpoint, resume, until, trackers',
  ],
  [
    'unknown grid option',
    { grid: { nx: 5, ny: 4, nz: 3 } },
    'Unknown option options.grid.nz; expected one of nx, ny, lx, ly',
  ],
  [
    'flux on a Dirichlet boundary',
    { boundary: { type: 'dirichlet', flux: 1 } },
    'Unknown option options.boundary.flux; expected one of type, value',
  ],
  [
    'value on a Neumann side',
    { boundary: sides({ left: { type: 'neumann', value: 1 } }) },
    'Unknown option options.boundary.left.value; expected one of type, flux',
  ],
  [
    'an unknown side',
    { boundary: sides({ front: neumann }) },
    'Unknown option options.boundary.front; expected one of left, right, bottom, top',
  ],
  [
    'extra key on a periodic side',
    { boundary: { type: 'periodic', value: 0 } },
    'Unknown option options.boundary.value; expected one of type',
  ],
]

describe('solve() refuses bad options', () => {
  it.each(kTypeErrors)('%s', async (_, options, message) => {
    const error = await rejection(solve({ ...kBase, ...options } as SolveOptions))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toBe(message)
  })

  it.each([null, 5, 'options'])('refuses %j as the options object', async (options) => {
    const error = await rejection(solve(options as unknown as SolveOptions))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toBe(`options must be an object, got ${typeof options === 'string' ? '"options"' : options}`)
  })

  it('refuses a dt above the stability limit with a StabilityError that gives the limit', async () => {
    const limit = 1 / (2 * 1.5 * (1 / 0.25 ** 2 + 1 / (1 / 3) ** 2))
    for (const create of [
      () => solve({ ...kBase, diffusivity: 1.5, dt: 0.1 }),
      () => Solver.create({ ...kBase, steps: undefined, diffusivity: 1.5, dt: 0.1 }),
    ]) {
      const error = await rejection(create())
      expect(error).toBeInstanceOf(StabilityError)
      expect(error).toBeInstanceOf(RangeError)
      expect(error.name).toBe('StabilityError')
      expect((error as StabilityError).limit).toBe(limit)
      expect(error.message).toBe(`options.dt (0.1) exceeds the stable limit 1/(2α(1/dx² + 1/dy²)) = ${limit}`)
    }
  })

  it('accepts a dt exactly at the limit', async () => {
    const limit = 1 / (2 * (1 / 0.25 ** 2 + 1 / (1 / 3) ** 2))
    const result = await solve({ ...kBase, dt: limit, steps: 2 })
    expect(result.dt).toBe(limit)
  })
})

describe('threads', () => {
  it.each([
    { boundary: { type: 'dirichlet' }, ny: 6, rows: 4 },
    { boundary: { type: 'neumann' }, ny: 3, rows: 3 },
    { boundary: sides({ top: { type: 'dirichlet' } }), ny: 4, rows: 3 },
  ] as const)('are capped at the $rows rows that evolve', async ({ boundary, ny, rows }) => {
    const result = await solve({ grid: { nx: 5, ny }, boundary, steps: 3, threads: 8 })
    expect(result.stats.threads).toBe(rows)
  })
})

describe('Solver.advance() refuses bad durations', () => {
  it.each([
    ['nothing', {}, TypeError, 'Solver.advance() takes { steps }, { tEnd } or { until }, exactly one of them'],
    [
      'both',
      { steps: 1, tEnd: 1 },
      TypeError,
      'Solver.advance() takes { steps }, { tEnd } or { until }, exactly one of them',
    ],
    ['negative steps', { steps: -1 }, TypeError, 'advance.steps must be an integer >= 0, got -1'],
    ['zero tEnd', { tEnd: 0 }, TypeError, 'advance.tEnd must be a positive finite number, got 0'],
    [
      'a tEnd in the past',
      { tEnd: 1e-6 },
      RangeError,
      /^advance\.tEnd \(0\.000001\) is before the current time 0\.0\d+$/,
    ],
  ] as const)('%s', async (_, duration, type, message) => {
    await using solver = await Solver.create({ grid: { nx: 5, ny: 4 }, threads: 1 })
    await solver.advance({ steps: 2 })
    const error = await rejection(solver.advance(duration as never))
    expect(error).toBeInstanceOf(type)
    if (typeof message === 'string') expect(error.message).toBe(message)
    else expect(error.message).toMatch(message)
  })
})
